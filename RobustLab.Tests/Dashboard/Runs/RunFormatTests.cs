using RobustLab.Web.Components.Charts;
using RobustLab.Web.Components.Runs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.Runs;

public class RunFormatTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData(12.0, "~12 s")]
    [InlineData(180.0, "~3 min")]
    [InlineData(200.0, "~3 min")]
    [InlineData(3600.0, "~1 h")]
    [InlineData(4800.0, "~1 h 20 min")]
    public void Eta_reads_as_an_approximate_duration(double? seconds, string expected) =>
        Assert.Equal(expected, RunFormat.Eta(seconds));

    [Fact]
    public void Progress_counts_finished_epochs_plus_the_fraction_of_the_current_one()
    {
        Assert.Equal(0, RunFormat.Fraction(RunStatus.Queued, 0, 5, 0));
        Assert.Equal(0.28, RunFormat.Fraction(RunStatus.Running, 2, 5, 0.4), 6);
        Assert.Equal(1, RunFormat.Fraction(RunStatus.Running, 5, 5, 1));
        Assert.Equal(1, RunFormat.Fraction(RunStatus.Evaluating, 5, 5, 1));
        Assert.Equal(1, RunFormat.Fraction(RunStatus.Succeeded, 5, 5, 1));
    }

    [Fact]
    public void While_attacking_the_progress_is_the_attack_suites_share_done()
    {
        Assert.True(RunFormat.IsAttacking(RunStatus.Evaluating, 0.35));
        Assert.False(RunFormat.IsAttacking(RunStatus.Evaluating, 1));
        Assert.False(RunFormat.IsAttacking(RunStatus.Running, 0.35));
        Assert.Equal(0.35, RunFormat.Fraction(RunStatus.Evaluating, 5, 5, 0.35), 9);
        var run = new RunEntity { Status = RunStatus.Evaluating, Epoch = 5, Epochs = 5, EpochProgress = 0.35 };
        Assert.Equal("attacking (35%; trained 5 epochs)", RunFormat.ProgressText(run));
        run.EpochProgress = 1;
        Assert.Equal("evaluating (trained 5 epochs)", RunFormat.ProgressText(run));
    }

    [Theory]
    [InlineData(0.0012, "0.0012")]
    [InlineData(0.000012345, "1.23E-05")]
    [InlineData(1.5, "1.5")]
    [InlineData(double.NaN, "—")]
    [InlineData(null, "—")]
    public void Distances_read_with_three_significant_digits_and_a_dash_when_nothing_was_fooled(double? value, string expected) =>
        Assert.Equal(expected, RunFormat.Distance(value));

    [Fact]
    public void Png_file_names_are_safe()
    {
        Assert.Equal("gnr-curve-1a2b", PlotlyDefaults.SafeFileName("GNR curve / 1a2b"));
        Assert.Equal("chart", PlotlyDefaults.SafeFileName("../"));
    }
}
