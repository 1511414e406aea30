using RobustLab.Training.Evaluation;
using RobustLab.Training.Runtime;
using RobustLab.Training.Loop;
using static TorchSharp.torch;

namespace RobustLab.Tests.Loop;

public class TrainerTests
{
    public TrainerTests() => TorchRuntime.EnsureLoaded();

    static TrainingOptions Small(TrainingMethod method) => new()
    {
        Dataset = "fashion-mnist", Model = "lenet", Method = method, Sigma = method == TrainingMethod.Baseline ? 0 : 0.25,
        Alpha = method == TrainingMethod.Regularizer ? 1 : 0, Copies = method == TrainingMethod.Augmentation ? 2 : 0,
        TrainSubset = 2000, Epochs = 2, BatchSize = 100, LearningRate = 1e-3, Seed = 11,
    };

    [Theory]
    [InlineData(TrainingMethod.Baseline)]
    [InlineData(TrainingMethod.Regularizer)]
    [InlineData(TrainingMethod.Augmentation)]
    public void Short_training_on_a_fashion_mnist_subset_beats_chance_clearly(TrainingMethod method)
    {
        using var folder = new TempFolder();
        var data = TrainingTestData.Fashion;
        var trainer = new Trainer(Small(method), data.Train, CPU);
        var outcome = trainer.Run(folder.Path, RunCallbacks.None, CancellationToken.None);
        using var model = outcome.Model;
        var test = data.Test.Take(1000);
        using var x = tensor(test.Pixels, [test.Count, 1, 28, 28]);
        using var predictions = Predictions.Of(model, x, 500);
        double accuracy = predictions.data<long>().ToArray().Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Count;

        Assert.True(accuracy > 0.6, $"{method}: test accuracy {accuracy:P1} on 10 classes");
        Assert.Equal(2, outcome.Epochs.Count);
        Assert.Equal(1800, outcome.TrainImages);
        Assert.Equal(200, outcome.ValidationImages);
        Assert.All(outcome.Epochs, e => Assert.True(double.IsFinite(e.TrainLoss) && e.ImagesPerSecond > 0));
        Assert.True(outcome.Epochs[1].TrainLoss < outcome.Epochs[0].TrainLoss, "training loss did not fall");
    }

    [Fact]
    public void Plateau_schedule_cuts_the_rate_after_patience_and_stops_early()
    {
        var s = PlateauSchedule.Start(1.0);
        (s, bool improved) = s.Step(1.0, factor: 0.5, patience: 2);
        Assert.True(improved);
        (s, _) = s.Step(1.0, 0.5, 2);
        (s, _) = s.Step(1.0, 0.5, 2);
        Assert.Equal(1.0, s.LearningRate);
        (s, _) = s.Step(1.0, 0.5, 2);        // third bad epoch > patience 2
        Assert.Equal(0.5, s.LearningRate);
        Assert.True(s.ShouldStop(3));
        (s, improved) = s.Step(0.5, 0.5, 2);
        Assert.True(improved);
        Assert.False(s.ShouldStop(3));
    }
}
