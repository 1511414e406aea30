using RobustLab.Tests.Attacks;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Data;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Corruptions;

/// <summary>The suite's accuracy, NLL and bookkeeping against direct computation on an affine classifier.</summary>
public sealed class CorruptionSuiteTests
{
    public CorruptionSuiteTests() => TorchRuntime.EnsureLoaded();

    static ImageSet Images(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = Enumerable.Range(0, count * LinearClassifier.Pixels).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, count).Select(i => i % 4).ToArray();
        return new ImageSet("synthetic", new ImageShape(1, LinearClassifier.Side, LinearClassifier.Side), 4, pixels, labels);
    }

    [Fact]
    public void Clean_and_corrupted_accuracy_and_nll_match_the_model_evaluated_directly()
    {
        using var linear = new LinearClassifier(classes: 4, seed: 3);
        var set = Images(60, seed: 5);
        var options = new CorruptionOptions { Corruptions = [CorruptionCatalog.GaussianNoise, CorruptionCatalog.Contrast], Severities = [2, 4], Seed = 9, BatchSize = 7 };
        var report = CorruptionSuite.Run(linear.Model, set, options, CPU);

        using var x = tensor(set.Pixels, [60, 1, 8, 8]);
        using var y = tensor(set.Labels.Select(l => (long)l).ToArray());
        (double Accuracy, double Nll) Direct(Tensor images)
        {
            using var _ = no_grad();
            using var logits = linear.Model.call(images);
            using var nll = nn.functional.cross_entropy(logits, y);
            using var right = logits.argmax(1).eq(y).sum();
            return (right.item<long>() / 60.0, nll.item<float>());
        }

        var clean = Direct(x);
        Assert.Equal(clean.Accuracy, report.CleanAccuracy, 12);
        Assert.Equal(clean.Nll, report.Clean.Nll, 4);
        Assert.Equal(60, report.Images);
        foreach (var result in report.Corruptions)
            foreach (var row in result.Severities)
            {
                // The suite's seed for this cell replays the corrupted images exactly.
                using var corrupted = CorruptionCatalog.Create(result.Corruption)
                    .Apply(x, row.Severity, CorruptionSuite.SeedFor(options.Seed, result.Corruption, row.Severity));
                var direct = Direct(corrupted);
                Assert.Equal(direct.Accuracy, row.Accuracy, 12);
                Assert.Equal(direct.Nll, row.Nll, 4);
            }
        Assert.Equal(report.Corruptions.SelectMany(c => c.Severities).Average(s => s.Accuracy), report.MeanCorruptionAccuracy, 12);
        Assert.Equal(15, report[CorruptionCatalog.GaussianNoise]!.Severities[0].Reliability.Count);
        Assert.Empty(report[CorruptionCatalog.Contrast]!.Severities[0].Reliability);
    }

    [Fact]
    public void A_result_does_not_depend_on_which_other_corruptions_ran_or_the_batch_size()
    {
        using var linear = new LinearClassifier(classes: 4, seed: 3);
        var set = Images(40, seed: 6);
        var alone = CorruptionSuite.Run(linear.Model, set, new CorruptionOptions { Corruptions = [CorruptionCatalog.ShotNoise], Seed = 2 }, CPU);
        var together = CorruptionSuite.Run(linear.Model, set,
            new CorruptionOptions { Corruptions = [CorruptionCatalog.Rotate, CorruptionCatalog.ShotNoise], Seed = 2, BatchSize = 3 }, CPU);
        var a = alone[CorruptionCatalog.ShotNoise]!.Severities;
        var b = together[CorruptionCatalog.ShotNoise]!.Severities;
        Assert.Equal(a.Select(s => s.Accuracy), b.Select(s => s.Accuracy));
        // Other batch sizes sum the logits in another order: confidences agree to float rounding.
        Assert.All(a.Zip(b), p => Assert.Equal(p.First.Ece, p.Second.Ece, 6));
    }

    [Fact]
    public void Invalid_options_are_refused_naming_the_field()
    {
        using var linear = new LinearClassifier(classes: 4, seed: 3);
        var error = Assert.Throws<ArgumentException>(() => CorruptionSuite.Run(linear.Model, Images(4, 1),
            new CorruptionOptions { Corruptions = ["fog"], Severities = [0] }, CPU));
        Assert.Contains("corruptions: unknown corruption 'fog'", error.Message);
        Assert.Contains("severities: 0", error.Message);
    }
}
