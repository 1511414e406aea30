using RobustLab.Tests.Api;
using RobustLab.Training.Attacks;
using RobustLab.Training.Loop;
using RobustLab.Web.Comparison;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>Paper Table 1's arithmetic: which baseline is the reference, and each median as a multiple of the baseline's.</summary>
public sealed class AttackTableTests
{
    static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    readonly AttackTable _table = new();

    static AttackedRun Run(TrainingMethod method, AttackReport report, int minutes = 0, double sigma = 0, double alpha = 0, int copies = 0, int seed = 0) =>
        new(Guid.NewGuid(), method, sigma, alpha, copies, seed, 0.9, 0.5, T0.AddMinutes(minutes), report);

    static AttackedRun Baseline(int minutes, params (string, double)[] attacks) => Run(TrainingMethod.Baseline, AttackReports.Report(attacks), minutes);

    static AttackedRun Regularizer(params (string, double)[] attacks) =>
        Run(TrainingMethod.Regularizer, AttackReports.Report(attacks), sigma: 0.25, alpha: 1);

    [Fact]
    public void The_reference_is_the_most_recently_finished_baseline_with_attacks()
    {
        var old = Baseline(0, ("fgsm", 0.004));
        var recent = Baseline(30, ("fgsm", 0.001));
        var middle = Baseline(10, ("fgsm", 0.002));

        var result = _table.Build([old, Regularizer(("fgsm", 0.02)), recent, middle]);

        Assert.Equal(recent.Id, result.Baseline!.Id);
        Assert.Single(result.Rows, r => r.IsBaseline);
        Assert.True(result.Rows.Single(r => r.Run.Id == recent.Id).IsBaseline);
        // Every other baseline is compared with it too.
        Assert.Equal(4, result.Rows.Single(r => r.Run.Id == old.Id)["fgsm"]!.Ratio!.Value, 9);
    }

    [Fact]
    public void Ratio_is_the_runs_median_divided_by_the_baselines_and_the_baseline_is_one()
    {
        var baseline = Baseline(0, ("fgsm", 0.001), ("pgd", 0.0005));
        var reg = Regularizer(("fgsm", 0.02), ("pgd", 0.05));

        var result = _table.Build([reg, baseline]);

        var row = result.Rows.Single(r => r.Run.Id == reg.Id);
        Assert.Equal(0.02, row["fgsm"]!.Median);
        Assert.Equal(20, row["fgsm"]!.Ratio!.Value, 9);
        Assert.Equal(100, row["pgd"]!.Ratio!.Value, 9);
        Assert.Equal(0.9, row["fgsm"]!.SuccessRate);
        Assert.All(result.Rows.Single(r => r.IsBaseline).Cells, c => Assert.Equal(1, c.Ratio!.Value, 9));
        Assert.Equal(TrainingMethod.Baseline, result.Rows[0].Run.Method); // baseline rows first
    }

    [Theory]
    [InlineData(AttackDistance.Mse, 0.02, 20)]
    [InlineData(AttackDistance.L2, 0.2, 20)]   // L2 median is 10 x MSE in these reports
    [InlineData(AttackDistance.Linf, 0.04, 20)] // Linf median is 2 x MSE
    public void The_distance_selector_picks_which_median_is_compared(AttackDistance distance, double median, double ratio)
    {
        var result = _table.Build([Baseline(0, ("fgsm", 0.001)), Regularizer(("fgsm", 0.02))], distance);

        var cell = result.Rows.Single(r => !r.IsBaseline)["fgsm"]!;
        Assert.Equal(median, cell.Median, 12);
        Assert.Equal(ratio, cell.Ratio!.Value, 9);
        Assert.Equal(distance, result.Distance);
    }

    [Fact]
    public void Without_a_baseline_there_is_no_reference_and_no_ratio_anywhere()
    {
        var result = _table.Build([Regularizer(("fgsm", 0.02)), Run(TrainingMethod.Augmentation, AttackReports.Report(("fgsm", 0.01)), copies: 6, sigma: 0.5)]);

        Assert.False(result.HasBaseline);
        Assert.Null(result.Baseline);
        Assert.All(result.Rows, r => Assert.False(r.IsBaseline));
        Assert.All(result.Rows.SelectMany(r => r.Cells), c => Assert.Null(c.Ratio));
        Assert.All(result.Rows.SelectMany(r => r.Cells), c => Assert.True(c.Measured));
    }

    [Fact]
    public void An_attack_that_fooled_no_image_has_a_nan_median_and_no_ratio_on_either_side()
    {
        var baseline = Baseline(0, ("fgsm", 0.001), ("gaussian", double.NaN));
        var reg = Regularizer(("fgsm", double.NaN), ("gaussian", 0.05));

        var result = _table.Build([baseline, reg]);

        var row = result.Rows.Single(r => r.Run.Id == reg.Id);
        Assert.True(row["fgsm"]!.Measured);
        Assert.True(double.IsNaN(row["fgsm"]!.Median));
        Assert.Null(row["fgsm"]!.Ratio);           // the run has no median
        Assert.Null(row["gaussian"]!.Ratio);       // the baseline has none
        Assert.Null(result.Rows.Single(r => r.IsBaseline)["gaussian"]!.Ratio);
    }

    [Fact]
    public void An_attack_one_side_did_not_run_is_a_column_with_not_measured_cells_and_no_ratio()
    {
        var baseline = Baseline(0, ("fgsm", 0.001));
        var reg = Regularizer(("pgd", 0.05), ("fgsm", 0.01));

        var result = _table.Build([baseline, reg]);

        Assert.Equal(["pgd", "fgsm"], result.Attacks); // Table 1's order, not the runs'
        var b = result.Rows.Single(r => r.IsBaseline);
        Assert.False(b["pgd"]!.Measured);
        Assert.Null(b["pgd"]!.Ratio);
        var row = result.Rows.Single(r => r.Run.Id == reg.Id);
        Assert.True(row["pgd"]!.Measured);
        Assert.Null(row["pgd"]!.Ratio);
        Assert.Equal(10, row["fgsm"]!.Ratio!.Value, 9);
    }

    [Theory]
    [InlineData(0.02, 0.001, 20.0)]
    [InlineData(0.0, 0.001, 0.0)]
    [InlineData(0.02, 0.0, null)]
    [InlineData(0.02, double.NaN, null)]
    [InlineData(double.NaN, 0.001, null)]
    [InlineData(double.PositiveInfinity, 0.001, null)]
    [InlineData(0.02, -0.001, null)]
    public void Ratio_needs_two_finite_medians_and_a_baseline_above_zero(double run, double baseline, double? expected)
    {
        var ratio = AttackTable.Ratio(run, baseline);
        if (expected is null) Assert.Null(ratio);
        else Assert.Equal(expected.Value, ratio!.Value, 9);
    }

    [Fact]
    public void No_runs_make_an_empty_table()
    {
        var result = _table.Build([]);

        Assert.True(result.IsEmpty);
        Assert.Empty(result.Attacks);
        Assert.False(result.HasBaseline);
    }

    [Fact]
    public void Only_succeeded_evaluated_runs_with_an_attack_report_are_rows()
    {
        var store = new FakeRunStore(Path.GetTempPath());
        var attacked = store.Add(new TrainingOptions { Dataset = "mnist" },
            r => FakeRunStore.Succeed(r, AttackReports.WithAttacks(AttackReports.Report(("fgsm", 0.001)))));
        var plain = store.Add(new TrainingOptions { Dataset = "mnist" }, r => FakeRunStore.Succeed(r));
        var failed = store.Add(new TrainingOptions { Dataset = "mnist" }, r =>
        {
            FakeRunStore.Succeed(r, AttackReports.WithAttacks(AttackReports.Report(("fgsm", 0.001))));
            r.Status = RunStatus.Failed;
        });

        Assert.NotNull(AttackedRun.From(attacked));
        Assert.Equal(0.001, AttackedRun.From(attacked)!.Report["fgsm"]!.Mse.Median);
        Assert.Null(AttackedRun.From(plain));
        Assert.Null(AttackedRun.From(failed));
        Assert.True(AttackedRun.HasAttacks(attacked.MetricsJson));
        Assert.False(AttackedRun.HasAttacks(plain.MetricsJson)); // "attacks": null
        Assert.False(AttackedRun.HasAttacks(null));
    }

    [Theory]
    [InlineData(null, AttackDistance.Mse, true)]
    [InlineData("MSE", AttackDistance.Mse, true)]
    [InlineData("l2", AttackDistance.L2, true)]
    [InlineData("Linf", AttackDistance.Linf, true)]
    [InlineData("l1", AttackDistance.Mse, false)]
    public void Distance_reads_from_the_query_string(string? text, AttackDistance expected, bool ok)
    {
        Assert.Equal(ok, AttackDistances.TryParse(text, out var distance));
        Assert.Equal(expected, distance);
    }
}
