using RobustLab.Training.Loop;
using RobustLab.Web.Comparison;
using static RobustLab.Tests.Dashboard.Comparison.ComparisonRuns;
using static RobustLab.Tests.Dashboard.Comparison.RobustnessReports;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>The fair comparison ranked by certified AUC or ACR at a sigma instead of GNR.</summary>
public sealed class RobustnessMeasureTests
{
    readonly FairComparison _comparison = new();

    [Fact]
    public void Certified_auc_ranks_by_the_certification_at_its_sigma_not_by_gnr()
    {
        // Two eligible regularizers: the first has the higher GNR, the second the larger certified area at 0.25.
        var highGnr = Regularizer(1, 0.25, accuracy: 0.90, gnr: 0.80) with { Certifications = [Certified(0.25, 0.8, 0.5)] };
        var highAuc = Regularizer(2, 0.25, accuracy: 0.90, gnr: 0.70) with { Certifications = [Certified(0.25, 0.8, 1.0)] };
        var runs = new[] { Baseline(0.90), highGnr, highAuc };

        var byGnr = _comparison.Compare("mnist", "lenet", runs, 0, RobustnessMeasure.Gnr);
        var byAuc = _comparison.Compare("mnist", "lenet", runs, 0, RobustnessMeasure.CertifiedAuc(0.25));

        Assert.Equal(1, byGnr.BestPerMethod.Single(s => s.Setting.Method == TrainingMethod.Regularizer).Setting.Alpha);
        var best = byAuc.BestPerMethod.Single(s => s.Setting.Method == TrainingMethod.Regularizer);
        Assert.Equal(2, best.Setting.Alpha);
        Assert.Equal(0.8 * 1.0 / 2, best.Gnr, 12); // the ranked value is the certified AUC
        Assert.Equal(RobustnessMeasure.CertifiedAuc(0.25), byAuc.Measure);
    }

    [Fact]
    public void Runs_not_certified_at_the_sigma_are_left_out_but_the_baseline_accuracy_counts_every_baseline()
    {
        // The baselines are not certified; their mean accuracy (0.90) still sets the threshold.
        var certifiedAt50 = Regularizer(1, 0.5, accuracy: 0.95, gnr: 0.9) with { Certifications = [Certified(0.5, 0.9, 1.5)] };
        var tooInaccurate = Regularizer(3, 0.25, accuracy: 0.80, gnr: 0.9) with { Certifications = [Certified(0.25, 0.9, 1.5)] };
        var fair = Regularizer(2, 0.25, accuracy: 0.91, gnr: 0.5) with { Certifications = [Certified(0.25, 0.6, 0.5)] };
        var runs = new[] { Baseline(0.88, seed: 0), Baseline(0.92, seed: 1), certifiedAt50, tooInaccurate, fair };

        var result = _comparison.Compare("mnist", "lenet", runs, 0, RobustnessMeasure.Acr(0.25));

        Assert.Equal(0.90, result.Baseline!.Accuracy, 12);
        Assert.Equal(2, result.Settings.Count); // the two certified at 0.25
        Assert.Equal(0, result.Baseline.GnrSpread.N); // no baseline was certified
        Assert.Equal(2, Assert.Single(result.BestPerMethod).Setting.Alpha);
        Assert.DoesNotContain(result.Settings, s => s.Result.Setting.Alpha == 1);
        Assert.Equal(RobustnessMeasure.Acr(0.25), result.Measure);
    }

    [Fact]
    public void Gnr_measures_give_the_same_result_as_the_gnr_scalars()
    {
        var runs = new[] { Baseline(0.9), Regularizer(1, 0.25, 0.9, 0.7), Augmentation(6, 0.25, 0.9, 0.65) };
        var byScalar = _comparison.Compare("mnist", "lenet", runs, 0, GnrScalar.Trapezoid);
        var byMeasure = _comparison.Compare("mnist", "lenet", runs, 0, RobustnessMeasure.Gnr);
        Assert.Equal(byScalar.BestPerMethod.Select(s => (s.Setting, s.Gnr, s.Accuracy)), byMeasure.BestPerMethod.Select(s => (s.Setting, s.Gnr, s.Accuracy)));
        Assert.Equal(byScalar.Folds.Statement, byMeasure.Folds.Statement);
        Assert.Contains("GNR", byMeasure.Folds.Statement);
    }

    [Fact]
    public void The_folds_statement_names_the_measure_it_ranked_by()
    {
        var regularizer = Regularizer(1, 0.25, 0.9, 0.7) with { Certifications = [Certified(0.25, 0.8, 1.0)] };
        var augmentation = Augmentation(6, 0.25, 0.9, 0.9) with { Certifications = [Certified(0.25, 0.8, 1.2)] };
        var result = _comparison.Compare("mnist", "lenet", [Baseline(0.9), regularizer, augmentation], 0, RobustnessMeasure.CertifiedAuc(0.25));
        Assert.Equal(FoldsOutcome.Matched, result.Folds.Outcome);
        Assert.Contains("best certified AUC 0.4000", result.Folds.Statement);
        Assert.DoesNotContain("GNR", result.Folds.Statement);
    }

    [Theory]
    [InlineData("trapezoid", MeasureKind.Gnr, 0)]
    [InlineData("mean", MeasureKind.GnrMean, 0)]
    [InlineData("certified-auc:0.25", MeasureKind.CertifiedAuc, 0.25)]
    [InlineData("acr:0.5", MeasureKind.Acr, 0.5)]
    public void Names_parse_back_to_the_measure(string name, MeasureKind kind, double sigma)
    {
        Assert.True(RobustnessMeasure.TryParse(name, out var measure));
        Assert.Equal(new RobustnessMeasure(kind, sigma), measure);
        Assert.Equal(name, measure.Name);
    }

    [Theory]
    [InlineData("acr")]
    [InlineData("acr:-1")]
    [InlineData("acr:x")]
    [InlineData("median:0.25")]
    public void Bad_names_do_not_parse(string name) => Assert.False(RobustnessMeasure.TryParse(name, out _));

    [Fact]
    public void Available_offers_both_certified_measures_at_each_sigma_once()
    {
        var runs = new[]
        {
            Regularizer(1, 0.25, 0.9, 0.7) with { Certifications = [Certified(0.5, 0.8, 1), Certified(0.25, 0.8, 1)] },
            Augmentation(2, 0.25, 0.9, 0.7) with { Certifications = [Certified(0.25 + 1e-12, 0.8, 1)] },
            Baseline(0.9),
        };
        Assert.Equal(
            [RobustnessMeasure.Gnr, RobustnessMeasure.GnrMean, RobustnessMeasure.CertifiedAuc(0.25), RobustnessMeasure.Acr(0.25),
             RobustnessMeasure.CertifiedAuc(0.5), RobustnessMeasure.Acr(0.5)],
            RobustnessMeasure.Available(runs));
    }
}
