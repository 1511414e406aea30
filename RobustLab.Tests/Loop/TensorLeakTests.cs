using RobustLab.Training.Runtime;
using RobustLab.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Tests.Loop;

/// <summary>Memory must stay flat across epochs: every tensor an epoch creates is disposed by the end of it.</summary>
public class TensorLeakTests
{
    public TensorLeakTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(TrainingMethod.Baseline)]
    [InlineData(TrainingMethod.Regularizer)]
    [InlineData(TrainingMethod.Augmentation)]
    public void Live_tensor_count_is_the_same_after_every_epoch(TrainingMethod method)
    {
        using var folder = new TempFolder();
        var options = new TrainingOptions
        {
            Method = method, Sigma = method == TrainingMethod.Baseline ? 0 : 0.3, Alpha = method == TrainingMethod.Regularizer ? 1 : 0,
            Copies = method == TrainingMethod.Augmentation ? 1 : 0, TrainSubset = 300, Epochs = 4, BatchSize = 50,
            LearningRate = 1e-3, EarlyStopPatience = 10,
        };
        var live = new List<long>();
        var trainer = new Trainer(options, TrainingTestData.Fashion.Train, CPU);
        var outcome = trainer.Run(folder.Path, new RunCallbacks(OnEpoch: _ => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount)),
            CancellationToken.None);
        outcome.Model.Dispose();
        Assert.Equal(4, live.Count);
        Assert.True(live.Skip(1).All(n => n == live[0]), $"live tensors after each epoch: {string.Join(", ", live)}");
    }
}
