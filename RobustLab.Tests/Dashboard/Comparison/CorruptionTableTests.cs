using RobustLab.Training.Corruptions;
using RobustLab.Training.Loop;
using RobustLab.Web.Comparison;
using static RobustLab.Tests.Dashboard.Comparison.ComparisonRuns;
using static RobustLab.Tests.Dashboard.Comparison.RobustnessReports;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>The Corruptions page's table: mCE against the reference baseline run (hand-computed) and the fair filter.</summary>
public sealed class CorruptionTableTests
{
    readonly CorruptionTable _table = new(new FairComparison());

    static Dictionary<string, double[]> Accuracies(double[] noise, double[] blur) => new()
    {
        [CorruptionCatalog.GaussianNoise] = noise, [CorruptionCatalog.GaussianBlur] = blur,
    };

    [Fact]
    public void Mce_and_relative_mce_are_relative_to_the_baseline_run()
    {
        // Baseline: clean error 0.10; summed errors over 2 severities: noise 0.2 + 0.4 = 0.6, blur 0.1 + 0.3 = 0.4.
        var baseline = Baseline(0.90) with { Corruptions = Corrupted(0.90, 0.05, Accuracies([0.8, 0.6], [0.9, 0.7])) };
        // Regularizer: clean error 0.08; noise 0.15 + 0.3 = 0.45, blur 0.1 + 0.3 = 0.4.
        var regularizer = Regularizer(1, 0.25, 0.92, 0.8) with { Corruptions = Corrupted(0.92, 0.02, Accuracies([0.85, 0.7], [0.9, 0.7])) };

        var result = _table.Build("mnist", "lenet", [baseline, regularizer], tolerancePercent: 0);

        Assert.Equal(baseline.Id, result.Reference!.Id);
        var row = result.Rows.Single(r => r.Run == regularizer);
        // CE: 0.45 / 0.6 = 0.75 and 0.4 / 0.4 = 1; relative: (0.45 - 0.16) / (0.6 - 0.2) = 0.725, (0.4 - 0.16) / (0.4 - 0.2) = 1.2.
        Assert.Equal((0.75 + 1.0) / 2, row.Errors!.Mce, 12);
        Assert.Equal((0.725 + 1.2) / 2, row.Errors.RelativeMce, 12);
        Assert.Equal((0.85 + 0.7 + 0.9 + 0.7) / 4, row.MeanCorruptionAccuracy, 12);
        Assert.True(row.Eligible);
        var reference = result.Rows.Single(r => r.Run == baseline);
        Assert.True(reference.IsReference);
        Assert.Equal(1, reference.Errors!.Mce, 12);
        Assert.Equal(1, reference.Errors.RelativeMce, 12);
    }

    [Fact]
    public void A_run_measured_on_other_images_than_the_reference_has_no_mce_and_says_why()
    {
        var baseline = Baseline(0.90) with { Corruptions = Corrupted(0.90, 0.05, Accuracies([0.8, 0.6], [0.9, 0.7]), images: 200) };
        var other = Augmentation(6, 0.25, 0.80, 0.8) with { Corruptions = Corrupted(0.80, 0.05, Accuracies([0.8, 0.6], [0.9, 0.7]), images: 500) };

        var result = _table.Build("mnist", "lenet", [baseline, other], tolerancePercent: 0);

        var row = result.Rows.Single(r => r.Run == other);
        Assert.Null(row.Errors);
        Assert.Contains("500", row.ErrorsMissing);
        Assert.False(row.Eligible); // 80% is below the baseline's 90% at tolerance 0
        Assert.Equal([baseline.Id], result.Shown(eligibleOnly: true).Select(r => r.Run.Id));
    }

    [Fact]
    public void The_most_recent_baseline_with_a_report_is_the_reference_and_runs_without_one_are_not_rows()
    {
        var older = Baseline(0.90) with { Id = Guid.CreateVersion7(DateTimeOffset.UtcNow.AddHours(-1)), Corruptions = Corrupted(0.9, 0.05, Accuracies([0.8], [0.9])) };
        var newer = Baseline(0.90, seed: 1) with { Id = Guid.CreateVersion7(DateTimeOffset.UtcNow), Corruptions = Corrupted(0.9, 0.05, Accuracies([0.7], [0.9])) };
        var unmeasured = Regularizer(1, 0.25, 0.9, 0.8);

        var result = _table.Build("mnist", "lenet", [older, newer, unmeasured]);

        Assert.Equal(newer.Id, result.Reference!.Id);
        Assert.Equal(2, result.Rows.Count);
        Assert.Equal([CorruptionCatalog.GaussianNoise, CorruptionCatalog.GaussianBlur], result.Corruptions);
    }

    [Fact]
    public void Without_a_baseline_report_there_is_no_mce()
    {
        var run = Regularizer(1, 0.25, 0.9, 0.8) with { Corruptions = Corrupted(0.9, 0.05, Accuracies([0.8], [0.9])) };
        var result = _table.Build("mnist", "lenet", [Baseline(0.9), run]);
        Assert.Null(result.Reference);
        Assert.Equal("no baseline run has a corruption report", Assert.Single(result.Rows).ErrorsMissing);
    }
}
