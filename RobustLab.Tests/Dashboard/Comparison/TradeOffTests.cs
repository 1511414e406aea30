using RobustLab.Training.Loop;
using RobustLab.Web.Comparison;
using static RobustLab.Tests.Dashboard.Comparison.ComparisonRuns;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>Paper Fig. 2: one line per N~ and per alpha over training sigma, seeds averaged, and the Pareto front.</summary>
public sealed class TradeOffTests
{
    readonly TradeOff _tradeOff = new();

    [Fact]
    public void One_line_per_copies_for_augmentation_and_per_alpha_for_the_regularizer_ordered_by_sigma()
    {
        var result = _tradeOff.Build(
        [
            Baseline(0.9, 0.3),
            Augmentation(6, 0.5, 0.85, 0.7), Augmentation(6, 0.25, 0.88, 0.6), Augmentation(2, 0.25, 0.89, 0.5),
            Regularizer(1, 0.25, 0.9, 0.65), Regularizer(1, 0.125, 0.91, 0.55), Regularizer(10, 0.25, 0.8, 0.9),
        ]);

        Assert.Equal(["augmentation N~=2", "augmentation N~=6", "regularizer alpha=1", "regularizer alpha=10"], result.Series.Select(s => s.Name));
        var copies6 = result.Series[1];
        Assert.Equal(6, copies6.Copies);
        Assert.Null(copies6.Alpha);
        Assert.Equal([0.25, 0.5], copies6.Points.Select(p => p.Sigma));
        Assert.Equal([0.88, 0.85], copies6.Points.Select(p => p.Accuracy));
        Assert.Equal(1, result.Series[2].Alpha);
        Assert.Equal([0.125, 0.25], result.Series[2].Points.Select(p => p.Sigma));
        Assert.Equal(0.9, result.Baseline!.Accuracy);
        Assert.DoesNotContain(result.Series, s => s.Method == TrainingMethod.Baseline);
    }

    [Fact]
    public void Seeds_are_averaged_into_one_point_and_the_baseline_reference_too()
    {
        var result = _tradeOff.Build(
        [
            Baseline(0.90, 0.2, seed: 0), Baseline(0.92, 0.4, seed: 1),
            Regularizer(1, 0.25, 0.80, 0.6, seed: 0), Regularizer(1, 0.25, 0.90, 0.8, seed: 1), Regularizer(1, 0.25, 0.85, 0.7, seed: 2),
        ]);

        var point = Assert.Single(Assert.Single(result.Series).Points);
        Assert.Equal(3, point.Seeds);
        Assert.Equal(0.85, point.Accuracy, 12);
        Assert.Equal(0.7, point.Gnr, 12);
        Assert.Equal(0.91, result.Baseline!.Accuracy, 12);
        Assert.Equal(0.3, result.Baseline.Gnr, 12);
        Assert.Equal(2, result.Baseline.Seeds);
    }

    [Fact]
    public void Each_point_carries_the_standard_deviation_over_its_seeds_and_one_seed_has_none()
    {
        var result = _tradeOff.Build(
        [
            Regularizer(1, 0.25, 0.80, 0.6, seed: 0), Regularizer(1, 0.25, 0.90, 0.8, seed: 1), Regularizer(1, 0.25, 0.85, 0.7, seed: 2),
            Regularizer(1, 0.5, 0.75, 0.9),
        ]);

        var points = Assert.Single(result.Series).Points;
        Assert.Equal(0.05, points[0].AccuracySpread.Std!.Value, 12);   // sqrt((0.05^2 + 0.05^2) / 2)
        Assert.Equal(0.1, points[0].GnrSpread.Std!.Value, 12);
        Assert.Equal(1, points[1].Seeds);
        Assert.Null(points[1].AccuracySpread.Std);
        Assert.Null(points[1].GnrSpread.Std);
    }

    [Fact]
    public void Augmentation_ignores_alpha_so_runs_that_differ_only_in_alpha_are_one_setting()
    {
        var a = Augmentation(6, 0.25, 0.8, 0.6) with { Alpha = 1 };
        var b = Augmentation(6, 0.25, 0.9, 0.8, seed: 1) with { Alpha = 0 };

        var result = _tradeOff.Build([a, b]);

        Assert.Equal(2, Assert.Single(Assert.Single(result.Series).Points).Seeds);
    }

    [Fact]
    public void Pareto_front_keeps_the_points_no_other_beats_in_both_accuracy_and_gnr()
    {
        // (accuracy, gnr): A and B and D are on the front; C is dominated by B; E is dominated by D; F equals D.
        var points = new[]
        {
            ("A", 0.95, 0.30), ("B", 0.90, 0.60), ("C", 0.85, 0.55), ("D", 0.80, 0.90), ("E", 0.70, 0.90), ("F", 0.80, 0.90),
        };

        var front = TradeOff.ParetoFront(points, p => p.Item2, p => p.Item3);

        Assert.Equal(["A", "B", "D", "F"], front.Select(p => p.Item1));
    }

    [Fact]
    public void Pareto_front_of_the_settings_is_ordered_by_gnr_for_drawing_as_a_line()
    {
        var result = _tradeOff.Build(
        [
            Baseline(0.92, 0.30), Augmentation(6, 0.25, 0.91, 0.50), Augmentation(6, 0.5, 0.85, 0.45),
            Regularizer(1, 0.5, 0.88, 0.80), Regularizer(1, 1.0, 0.70, 0.79),
        ]);

        Assert.Equal(["baseline", "augmentation N~=6 sigma=0.25", "regularizer alpha=1 sigma=0.5"],
            result.ParetoFront.Select(s => s.Setting.Label));
    }

    [Fact]
    public void No_runs_is_an_empty_result()
    {
        var result = _tradeOff.Build([]);
        Assert.True(result.IsEmpty);
        Assert.Empty(result.Series);
        Assert.Null(result.Baseline);
        Assert.Empty(result.ParetoFront);
    }
}
