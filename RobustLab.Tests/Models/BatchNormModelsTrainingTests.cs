using RobustLab.Tests.Loop;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Models;

/// <summary>
/// ResNet-20 and VGG-11-BN learn Fashion-MNIST (28x28, padded to 32x32 for VGG) from a small subset, with the moment
/// regulariser running through their batch-normalised first blocks.
/// </summary>
[Trait("Category", "Slow")]
public class BatchNormModelsTrainingTests
{
    public BatchNormModelsTrainingTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData("resnet20")]
    [InlineData("vgg11bn")]
    public void Short_regularised_training_on_a_fashion_mnist_subset_beats_chance_clearly(string model)
    {
        using var folder = new TempFolder();
        var data = TrainingTestData.Fashion;
        var options = new TrainingOptions
        {
            Dataset = "fashion-mnist", Model = model, Method = TrainingMethod.Regularizer, Sigma = 0.1, Alpha = 0.5,
            // A small learning rate and many small steps: after a few dozen steps at lr 0.05 the BN running statistics
            // lag behind the fast-moving weights and evaluation-mode accuracy is near chance (PyTorch does the same).
            TrainSubset = 1000, Epochs = 2, BatchSize = 25, LearningRate = 0.01, Seed = 12,
        };
        var trainer = new Trainer(options, data.Train, CPU);
        var outcome = trainer.Run(folder.Path, RunCallbacks.None, CancellationToken.None);
        using var net = outcome.Model;
        var test = data.Test.Take(500);
        using var x = tensor(test.Pixels, [test.Count, 1, 28, 28]);
        using var predictions = Predictions.Of(net, x, 250);
        double accuracy = predictions.data<long>().ToArray().Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Count;

        Assert.True(accuracy > 0.5, $"{model}: test accuracy {accuracy:P1} on 10 classes after 2 epochs of 900 images");
        Assert.All(outcome.Epochs, e => Assert.True(double.IsFinite(e.TrainLoss)));
    }
}
