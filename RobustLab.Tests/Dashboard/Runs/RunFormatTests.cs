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
    public void Png_file_names_are_safe()
    {
        Assert.Equal("gnr-curve-1a2b", PlotlyDefaults.SafeFileName("GNR curve / 1a2b"));
        Assert.Equal("chart", PlotlyDefaults.SafeFileName("../"));
    }
}
