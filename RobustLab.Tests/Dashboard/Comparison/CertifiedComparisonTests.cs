using RobustLab.Training.Certification;
using RobustLab.Training.Loop;
using RobustLab.Tests.Loop;
using RobustLab.Web.Comparison;
using static RobustLab.Tests.Dashboard.Comparison.ComparisonRuns;
using static RobustLab.Tests.Dashboard.Comparison.RobustnessReports;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>The Certified page's rows: the fair-comparison filter and the best per method and certification sigma.</summary>
public sealed class CertifiedComparisonTests
{
    readonly CertifiedComparison _comparison = new(new FairComparison());

    [Fact]
    public void Rows_compete_by_the_fair_comparison_rule_and_the_largest_auc_of_each_method_and_sigma_is_best()
    {
        var baseline = Baseline(0.90) with { Certifications = [Certified(0.25, 0.85, 0.4)] };
        var smallAuc = Regularizer(1, 0.25, accuracy: 0.91, gnr: 0.9) with { Certifications = [Certified(0.25, 0.8, 0.6)] };
        var largeAuc = Regularizer(2, 0.25, accuracy: 0.90, gnr: 0.7) with { Certifications = [Certified(0.25, 0.8, 1.0), Certified(0.5, 0.6, 1.5)] };
        var inaccurate = Augmentation(6, 0.25, accuracy: 0.85, gnr: 0.9) with { Certifications = [Certified(0.25, 0.8, 1.5)] };
        var uncertified = Augmentation(2, 0.25, accuracy: 0.95, gnr: 0.9);

        var result = _comparison.Compare("mnist", "lenet", [baseline, smallAuc, largeAuc, inaccurate, uncertified], tolerancePercent: 0);

        Assert.Equal(0.90, result.Baseline!.Threshold, 12);
        Assert.Equal(5, result.Rows.Count); // one per (run, sigma); the uncertified run has none
        Assert.All(result.Rows.Where(r => r.Entry.Run == inaccurate), r => Assert.False(r.Eligible));
        var best = result.Shown(CertifiedFilter.Best);
        Assert.Equal(3, best.Count); // baseline at 0.25, regularizer at 0.25, regularizer at 0.5; augmentation is not eligible
        Assert.Contains(best, r => r.Entry.Run == largeAuc && r.Entry.Sigma == 0.25);
        Assert.Contains(best, r => r.Entry.Run == largeAuc && r.Entry.Sigma == 0.5);
        Assert.DoesNotContain(best, r => r.Entry.Run == smallAuc);
        Assert.Equal(4, result.Shown(CertifiedFilter.Eligible).Count);
        Assert.Equal([0.25, 0.25, 0.25, 0.25, 0.5], result.Rows.Select(r => r.Entry.Sigma)); // by certification sigma first
    }

    [Fact]
    public void Without_a_baseline_no_row_competes()
    {
        var run = Regularizer(1, 0.25, 0.9, 0.8) with { Certifications = [Certified(0.25, 0.8, 1)] };
        var result = _comparison.Compare("mnist", "lenet", [run]);
        Assert.False(result.HasBaseline);
        Assert.Single(result.Rows);
        Assert.Empty(result.Shown(CertifiedFilter.Eligible));
        Assert.Empty(result.Shown(CertifiedFilter.Best));
    }

    [Fact]
    public void The_fixed_radii_are_read_from_the_metrics_and_the_label_names_another_certification_sigma()
    {
        var run = Regularizer(1, 0.25, 0.9, 0.8) with { Certifications = [Certified(0.5, 0.8, 1.0)] };
        var entry = new CertifiedEntry(run, run.Certifications[0]);
        Assert.Equal(0.8 * (1 - 0.25 / 1.0), entry.AtRadius(0.25)!.Value, 12);
        Assert.Equal(0, entry.AtRadius(1.0)!.Value, 12);
        Assert.Null(entry.AtRadius(0.3));
        Assert.Equal("regularizer alpha=1 sigma=0.25, seed 0 · certified at 0.5", entry.Label);
    }

    [Fact]
    public void The_curve_comes_from_the_per_image_file_when_the_run_folder_has_it()
    {
        using var folder = new TempFolder();
        var rows = Rows(atZero: 0.8, reach: 1.0);
        CertificationCsv.WriteFile(Path.Combine(folder.Path, CertificationCsv.FileName(0.25)), rows);
        var metrics = Certified(0.25, 0.8, 1.0);

        var fromFile = CertifiedCurves.Of(folder.Path, metrics);
        var withoutFile = CertifiedCurves.Of(Path.Combine(folder.Path, "absent"), metrics);

        Assert.True(fromFile.FromRows);
        Assert.Equal(151, fromFile.Points.Count); // r = 0, 0.01, ..., 1.5
        Assert.Equal(CertificationSummary.From(rows).Curve, fromFile.Points);
        Assert.Equal(0.8, fromFile.Points[0].Accuracy, 12);
        Assert.Equal(0, fromFile.Points[^1].Accuracy, 12);
        Assert.False(withoutFile.FromRows);
        Assert.Equal(metrics.CertifiedAccuracy, withoutFile.Points);
    }

    [Fact]
    public void An_unreadable_per_image_file_falls_back_to_the_fixed_radii()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, CertificationCsv.FileName(0.25)), "not,a,certification\n");
        var curve = CertifiedCurves.Of(folder.Path, Certified(0.25, 0.8, 1.0));
        Assert.False(curve.FromRows);
        Assert.Equal(CertificationSummary.FixedRadii.Count, curve.Points.Count);
    }
}
