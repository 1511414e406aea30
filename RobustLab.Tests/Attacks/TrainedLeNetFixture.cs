using RobustLab.Tests.Loop;
using RobustLab.Training.Models;
using RobustLab.Training.Runtime;
using RobustLab.Training.Loop;
using static TorchSharp.torch;

namespace RobustLab.Tests.Attacks;

/// <summary>A LeNet trained for one epoch on 1,000 Fashion-MNIST images, and 24 test images with their labels.</summary>
public sealed class TrainedLeNetFixture : IDisposable
{
    public SplitNetwork Model { get; }
    public Tensor Images { get; }
    public Tensor Labels { get; }

    public TrainedLeNetFixture()
    {
        TorchRuntime.EnsureLoaded();
        using var folder = new TempFolder();
        var options = new TrainingOptions { TrainSubset = 1000, Epochs = 1, BatchSize = 50, LearningRate = 1e-3, Seed = 2 };
        Model = new Trainer(options, TrainingTestData.Fashion.Train, CPU).Run(folder.Path, RunCallbacks.None, CancellationToken.None).Model;
        Model.eval();
        var test = TrainingTestData.Fashion.Test.Select(Enumerable.Range(0, 24).ToArray());
        Images = tensor(test.Pixels, [test.Count, 1, 28, 28]);
        Labels = tensor(test.Labels.Select(l => (long)l).ToArray());
    }

    public void Dispose() { Model.Dispose(); Images.Dispose(); Labels.Dispose(); }
}
