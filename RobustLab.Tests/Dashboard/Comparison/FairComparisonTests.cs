using RobustLab.Training.Loop;
using RobustLab.Web.Comparison;
using static RobustLab.Tests.Dashboard.Comparison.ComparisonRuns;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>docs/method.md, section "Fair comparison": tolerance, baseline, eligibility, the most robust per method, equivalent folds.</summary>
public sealed class FairComparisonTests
{
    readonly FairComparison _comparison = new();

    [Theory]
    [InlineData("mnist", 0)]
    [InlineData("mnist10k", 0)]
    [InlineData("fashion-mnist", 0)]
    [InlineData("cifar10", 0.39)]
    [InlineData("CIFAR100", 0.75)]
    public void Default_tolerance_is_the_papers_in_accuracy_percentage_points(string dataset, double expected) =>
        Assert.Equal(expected, FairComparison.DefaultTolerance(dataset));

    [Fact]
    public void The_default_tolerance_applies_when_none_is_given()
    {
        var result = _comparison.Compare("cifar100", "alexnet", [Baseline(0.6)]);
        Assert.Equal(0.75, result.TolerancePercent);
        Assert.Equal(0.6 - 0.0075, result.Baseline!.Threshold, 12);
    }

    [Fact]
    public void Baseline_accuracy_is_the_mean_over_its_seeds()
    {
        var result = _comparison.Compare("fashion-mnist", "lenet",
            [Baseline(0.90, gnr: 0.4, seed: 0), Baseline(0.92, gnr: 0.6, seed: 1), Baseline(0.94, gnr: 0.5, seed: 2)]);

        Assert.Equal(0.92, result.Baseline!.Accuracy, 12);
        Assert.Equal(0.5, result.Baseline.Gnr, 12);
        Assert.Equal(3, result.Baseline.Runs);
        var baseline = Assert.Single(result.BestPerMethod);
        Assert.Equal(3, baseline.Seeds);
    }

    [Fact]
    public void A_model_exactly_at_baseline_minus_tolerance_is_eligible_and_one_just_below_is_not()
    {
        var atBoundary = Regularizer(1, 0.25, accuracy: 0.90 - 0.0039, gnr: 0.7);
        var below = Regularizer(1, 0.5, accuracy: 0.90 - 0.0040, gnr: 0.9);

        var result = _comparison.Compare("cifar10", "lenet", [Baseline(0.90), atBoundary, below], tolerancePercent: 0.39);

        Assert.True(result.Settings.Single(s => s.Result.RunIds.Contains(atBoundary.Id)).Eligible);
        Assert.False(result.Settings.Single(s => s.Result.RunIds.Contains(below.Id)).Eligible);
        Assert.Equal(0.25, result.BestPerMethod.Single(s => s.Setting.Method == TrainingMethod.Regularizer).Setting.Sigma);
    }

    [Fact]
    public void With_zero_tolerance_only_models_at_least_as_accurate_as_the_baseline_compete()
    {
        var result = _comparison.Compare("mnist", "lenet",
            [Baseline(0.99), Augmentation(6, 0.25, 0.99, 0.8), Augmentation(6, 0.5, 0.9899, 0.95)]);

        Assert.Equal(0.25, result.BestPerMethod.Single(s => s.Setting.Method == TrainingMethod.Augmentation).Setting.Sigma);
    }

    [Fact]
    public void Best_per_method_is_the_highest_gnr_and_a_tie_goes_to_the_higher_accuracy()
    {
        var runs = new[]
        {
            Baseline(0.90, gnr: 0.3),
            Regularizer(1, 0.25, accuracy: 0.91, gnr: 0.80),
            Regularizer(2, 0.25, accuracy: 0.93, gnr: 0.80), // same GNR, more accurate: wins the tie
            Regularizer(5, 0.50, accuracy: 0.92, gnr: 0.70),
            Augmentation(2, 0.25, accuracy: 0.90, gnr: 0.60),
            Augmentation(6, 0.50, accuracy: 0.95, gnr: 0.65),
        };

        var result = _comparison.Compare("fashion-mnist", "lenet", runs);

        Assert.Equal([TrainingMethod.Baseline, TrainingMethod.Augmentation, TrainingMethod.Regularizer],
            result.BestPerMethod.Select(s => s.Setting.Method));
        Assert.Equal(2, result.BestPerMethod[2].Setting.Alpha);
        Assert.Equal(6, result.BestPerMethod[1].Setting.Copies);
        Assert.Equal(3, result.Settings.Count(s => s.Best));
    }

    [Fact]
    public void A_more_robust_model_below_the_tolerance_does_not_win()
    {
        var result = _comparison.Compare("fashion-mnist", "lenet",
            [Baseline(0.90), Regularizer(1, 1.0, accuracy: 0.50, gnr: 1.0), Regularizer(1, 0.25, accuracy: 0.90, gnr: 0.7)]);

        Assert.Equal(0.7, result.BestPerMethod.Single(s => s.Setting.Method == TrainingMethod.Regularizer).Gnr);
    }

    [Fact]
    public void Seeds_of_one_setting_are_averaged_before_eligibility()
    {
        // Mean accuracy 0.895 < 0.90: the setting is out even though one seed alone is above the baseline.
        var result = _comparison.Compare("fashion-mnist", "lenet",
            [Baseline(0.90), Regularizer(1, 0.25, 0.91, 0.8, seed: 0), Regularizer(1, 0.25, 0.88, 0.9, seed: 1)]);

        var setting = Assert.Single(result.Settings, s => s.Result.Setting.Method == TrainingMethod.Regularizer);
        Assert.Equal(2, setting.Result.Seeds);
        Assert.False(setting.Eligible);
    }

    [Fact]
    public void Equivalent_folds_is_the_smallest_copies_whose_best_gnr_reaches_the_regularizers()
    {
        var runs = new[]
        {
            Baseline(0.90),
            Regularizer(1, 0.5, accuracy: 0.90, gnr: 0.75, seconds: 30),
            Augmentation(2, 0.25, 0.90, 0.60, seconds: 50),
            Augmentation(6, 0.25, 0.90, 0.70, seconds: 140),
            Augmentation(6, 0.50, 0.91, 0.76, seconds: 150), // best of N~=6 over sigma reaches 0.75
            Augmentation(11, 0.50, 0.90, 0.80, seconds: 260),
            Augmentation(21, 0.50, 0.90, 0.70, seconds: 500),
        };

        var folds = _comparison.Compare("fashion-mnist", "lenet", runs).Folds;

        Assert.Equal(FoldsOutcome.Matched, folds.Outcome);
        Assert.Equal(6, folds.MatchedCopies);
        Assert.Equal([2, 6, 11, 21], folds.BestPerCopies.Select(s => s.Setting.Copies));
        Assert.Equal(150, folds.BestPerCopies[1].TrainingSeconds);
        Assert.Equal(30, folds.Regularizer!.TrainingSeconds);
        Assert.Contains("N~=6", folds.Statement);
        Assert.Contains("150 s", folds.Statement);
        Assert.Contains("30 s", folds.Statement);
    }

    [Fact]
    public void Equivalent_folds_says_more_than_the_largest_copies_tried_when_none_reaches_the_regularizer()
    {
        var runs = new[]
        {
            Baseline(0.90),
            Regularizer(1, 0.5, accuracy: 0.90, gnr: 0.95),
            Augmentation(2, 0.25, 0.90, 0.60),
            Augmentation(21, 0.50, 0.90, 0.90),
            Augmentation(50, 0.50, 0.80, 0.99), // more robust, but not eligible
        };

        var folds = _comparison.Compare("fashion-mnist", "lenet", runs).Folds;

        Assert.Equal(FoldsOutcome.NotMatched, folds.Outcome);
        Assert.Null(folds.MatchedCopies);
        Assert.Equal(21, folds.LargestCopiesTried);
        Assert.Contains("more than N~=21", folds.Statement);
    }

    [Fact]
    public void Equivalent_folds_names_what_is_missing()
    {
        var noRegularizer = _comparison.Compare("fashion-mnist", "lenet", [Baseline(0.9), Augmentation(2, 0.25, 0.9, 0.6)]).Folds;
        Assert.Equal(FoldsOutcome.NoEligibleRegularizer, noRegularizer.Outcome);
        Assert.Contains("regularizer sweep", noRegularizer.Statement);

        var noAugmentation = _comparison.Compare("fashion-mnist", "lenet", [Baseline(0.9), Regularizer(1, 0.25, 0.9, 0.6)]).Folds;
        Assert.Equal(FoldsOutcome.NoEligibleAugmentation, noAugmentation.Outcome);
        Assert.Contains("augmentation sweep", noAugmentation.Statement);
    }

    [Fact]
    public void Without_a_baseline_nothing_is_compared_and_the_result_says_to_run_a_baseline_first()
    {
        var result = _comparison.Compare("cifar10", "alexnet", [Regularizer(1, 0.25, 0.8, 0.9)]);

        Assert.False(result.HasBaseline);
        Assert.Empty(result.BestPerMethod);
        Assert.All(result.Settings, s => Assert.False(s.Eligible));
        Assert.Equal(FoldsOutcome.NoBaseline, result.Folds.Outcome);
        Assert.StartsWith("Run a baseline first", result.MissingBaseline);
        Assert.Contains("method baseline (sigma 0", result.MissingBaseline);
        Assert.Contains("cifar10", result.MissingBaseline);
    }

    [Fact]
    public void The_mean_gnr_scalar_can_rank_instead_of_the_trapezoid()
    {
        var a = Regularizer(1, 0.25, 0.9, gnr: 0.8) with { GnrMean = 0.6 };
        var b = Regularizer(2, 0.25, 0.9, gnr: 0.7) with { GnrMean = 0.7 };

        Assert.Equal(1, _comparison.Compare("mnist", "lenet", [Baseline(0.9), a, b]).BestPerMethod[1].Setting.Alpha);
        Assert.Equal(2, _comparison.Compare("mnist", "lenet", [Baseline(0.9), a, b], scalar: GnrScalar.Mean).BestPerMethod[1].Setting.Alpha);
    }

    static ComparisonRun[] Seeds(Func<double, int, ComparisonRun> run, params double[] gnrs) => gnrs.Select((g, i) => run(g, i)).ToArray();

    [Fact]
    public void A_regularizer_lead_beyond_the_seed_spread_is_said_with_the_welch_p_value()
    {
        // GNR over seeds: regularizer 0.71, 0.74, 0.78; augmentation 0.60, 0.61, 0.62, 0.60 (t = 6.52, df = 2.22, p = 0.0173).
        ComparisonRun[] runs =
        [
            Baseline(0.9),
            .. Seeds((g, seed) => Regularizer(1, 0.25, 0.9, g, seed), 0.71, 0.74, 0.78),
            .. Seeds((g, seed) => Augmentation(6, 0.25, 0.9, g, seed), 0.60, 0.61, 0.62, 0.60),
        ];

        var advantage = _comparison.Compare("mnist", "lenet", runs).Advantage;

        Assert.Equal(AdvantageOutcome.RegularizerAhead, advantage.Outcome);
        Assert.Equal(0.017255303928, advantage.Test!.PValue, 8);
        Assert.Equal(0.74333333 - 0.6075, advantage.Test.Difference, 7);
        Assert.Contains("exceeds the seed spread", advantage.Statement);
        Assert.Contains("+0.1358 GNR for the regularizer (regularizer alpha=1 sigma=0.25, 3 seeds) over augmentation (augmentation N~=6 sigma=0.25, 4 seeds)", advantage.Statement);
        Assert.Contains("Welch t = 6.52, df = 2.2, p = 0.017", advantage.Statement);
    }

    [Fact]
    public void A_lead_the_seed_spread_explains_is_called_within_the_spread()
    {
        ComparisonRun[] runs =
        [
            Baseline(0.9),
            .. Seeds((g, seed) => Regularizer(1, 0.25, 0.9, g, seed), 0.62, 0.70),
            .. Seeds((g, seed) => Augmentation(6, 0.25, 0.9, g, seed), 0.60, 0.61, 0.59),
        ];

        var advantage = _comparison.Compare("mnist", "lenet", runs).Advantage;

        Assert.Equal(AdvantageOutcome.WithinSpread, advantage.Outcome);
        Assert.Equal(0.370328580512, advantage.Test!.PValue, 8);
        Assert.Contains("within the seed spread", advantage.Statement);
        Assert.Contains("p = 0.370", advantage.Statement);
    }

    [Fact]
    public void Augmentation_ahead_beyond_the_spread_is_said_so()
    {
        ComparisonRun[] runs =
        [
            Baseline(0.9),
            .. Seeds((g, seed) => Regularizer(1, 0.25, 0.9, g, seed), 0.60, 0.61, 0.62, 0.60),
            .. Seeds((g, seed) => Augmentation(21, 0.25, 0.9, g, seed), 0.71, 0.74, 0.78),
        ];

        var advantage = _comparison.Compare("mnist", "lenet", runs).Advantage;

        Assert.Equal(AdvantageOutcome.AugmentationAhead, advantage.Outcome);
        Assert.StartsWith("Augmentation is ahead", advantage.Statement);
        Assert.Contains("-0.1358 GNR", advantage.Statement);
    }

    [Fact]
    public void With_one_seed_on_a_side_it_cannot_tell_and_says_to_queue_more_seeds()
    {
        ComparisonRun[] runs =
        [
            Baseline(0.9),
            Regularizer(1, 0.25, 0.9, 0.8),
            .. Seeds((g, seed) => Augmentation(6, 0.25, 0.9, g, seed), 0.60, 0.61, 0.62),
        ];

        var advantage = _comparison.Compare("mnist", "lenet", runs).Advantage;

        Assert.Equal(AdvantageOutcome.CannotTell, advantage.Outcome);
        Assert.Null(advantage.Test);
        Assert.StartsWith("Cannot tell", advantage.Statement);
        Assert.Contains("at least 2 seeds per side", advantage.Statement);
        Assert.Contains("(regularizer alpha=1 sigma=0.25, 1 seed)", advantage.Statement);
    }

    [Fact]
    public void Without_an_eligible_model_of_each_method_there_is_no_test()
    {
        var onlyRegularizer = _comparison.Compare("mnist", "lenet", [Baseline(0.9), Regularizer(1, 0.25, 0.9, 0.8), Augmentation(6, 0.25, 0.5, 0.9)]);
        Assert.Equal(AdvantageOutcome.Missing, onlyRegularizer.Advantage.Outcome);
        Assert.Equal(AdvantageOutcome.Missing, _comparison.Compare("mnist", "lenet", [Regularizer(1, 0.25, 0.9, 0.8)]).Advantage.Outcome);
    }

    [Fact]
    public void Each_setting_carries_the_spread_of_accuracy_gnr_and_training_seconds_over_its_seeds()
    {
        var result = _comparison.Compare("mnist", "lenet",
        [
            Baseline(0.90, seed: 0), Baseline(0.94, seed: 1),
            Regularizer(1, 0.25, 0.90, 0.6, seed: 0, seconds: 10), Regularizer(1, 0.25, 0.92, 0.8, seed: 1, seconds: 14),
        ], tolerancePercent: 5);

        Assert.Equal(Math.Sqrt(0.0008), result.Baseline!.AccuracySpread.Std!.Value, 12);
        var reg = result.BestPerMethod.Single(s => s.Setting.Method == TrainingMethod.Regularizer);
        Assert.Equal(2, reg.Seeds);
        Assert.Equal(Math.Sqrt(0.0002), reg.AccuracySpread.Std!.Value, 12);
        Assert.Equal(Math.Sqrt(0.02), reg.GnrSpread.Std!.Value, 12);
        Assert.Equal(12, reg.TrainingSeconds, 12);
        Assert.Equal(Math.Sqrt(8), reg.TrainingSecondsSpread.Std!.Value, 12);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(101)]
    public void A_tolerance_outside_0_to_100_points_is_refused(double tolerance) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _comparison.Compare("mnist", "lenet", [Baseline(0.9)], tolerance));
}
