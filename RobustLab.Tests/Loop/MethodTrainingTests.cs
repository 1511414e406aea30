using RobustLab.Training.Runtime;
using RobustLab.Training.Loop;
using static TorchSharp.torch;

namespace RobustLab.Tests.Loop;

/// <summary>Each new method, and each regulariser variant, trains through the real Trainer on a tiny Fashion-MNIST subset.</summary>
public class MethodTrainingTests
{
    public MethodTrainingTests() => TorchRuntime.EnsureLoaded();

    public static TheoryData<string> Settings() => ["gaussian", "stability", "consistency", "mixed", "predictions", "gamma"];

    static TrainingOptions Options(string setting)
    {
        var o = new TrainingOptions
        {
            Dataset = "fashion-mnist", Model = "lenet", Sigma = 0.25, TrainSubset = 300, Epochs = 1, BatchSize = 50,
            LearningRate = 1e-3, Seed = 5,
        };
        return setting switch
        {
            "gaussian" => o with { Method = TrainingMethod.Gaussian },
            "stability" => o with { Method = TrainingMethod.Stability, Lambda = 2 },
            "consistency" => o with { Method = TrainingMethod.Consistency },
            "mixed" => o with { Method = TrainingMethod.Regularizer, Alpha = 0.5, RegularizerForm = RegularizerForm.Mixed },
            "predictions" => o with { Method = TrainingMethod.Regularizer, Alpha = 1, RegularizerTarget = RegularizerTarget.Predictions },
            _ => o with { Method = TrainingMethod.Regularizer, Alpha = 1, Gamma = 0.5 },
        };
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void A_short_training_finishes_with_a_finite_loss(string setting)
    {
        var options = Options(setting);
        Assert.Empty(options.Validate());
        using var folder = new TempFolder();
        var trainer = new Trainer(options, TrainingTestData.Fashion.Train, CPU);
        var outcome = trainer.Run(folder.Path, RunCallbacks.None, CancellationToken.None);
        using var model = outcome.Model;

        var epoch = Assert.Single(outcome.Epochs);
        Assert.True(double.IsFinite(epoch.TrainLoss) && epoch.TrainLoss > 0, $"{setting}: train loss {epoch.TrainLoss}");
        Assert.True(double.IsFinite(epoch.ValidationLoss), $"{setting}: validation loss {epoch.ValidationLoss}");
        Assert.Equal(270, outcome.TrainImages);
    }
}
