using System.Globalization;
using RobustLab.Web.Components.Charts;

namespace RobustLab.Tests.Dashboard.Charts;

public class AxisTicksTests
{
    /// <summary>Ticks as Plotly places them: a 1, 2 or 5 times a power of ten step, at least a tenth of the span.</summary>
    static List<double> Ticks(double lo, double hi, int count)
    {
        double rough = (hi - lo) / count, power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(s => s >= rough - 1e-15);
        var ticks = new List<double>();
        for (double t = Math.Ceiling(lo / step) * step; t <= hi + 1e-12; t += step) ticks.Add(t);
        return ticks;
    }

    [Theory]
    [InlineData(0.869, 0.874)]  // the trade-off page's accuracies that all read "87%"
    [InlineData(0.5, 0.95)]
    [InlineData(0.9991, 0.9999)]
    [InlineData(0.1, 0.1004)]
    public void Percent_ticks_differ_for_every_tick_count_plotly_may_choose(double lo, double hi)
    {
        string format = AxisTicks.Format([lo, (lo + hi) / 2, hi], percent: true)!;
        int decimals = int.Parse(format[1..^1], CultureInfo.InvariantCulture);
        for (int count = 3; count <= 10; count++)
        {
            var labels = Ticks(lo, hi, count).Select(t => (100 * t).ToString("F" + decimals, CultureInfo.InvariantCulture)).ToList();
            Assert.True(labels.Distinct().Count() == labels.Count, $"{format} with {count} ticks: {string.Join(" ", labels)}");
        }
    }

    [Fact]
    public void The_trade_off_accuracies_get_two_decimals_and_a_wide_span_none()
    {
        Assert.Equal(".2%", AxisTicks.Format([0.869, 0.871, 0.874], percent: true));
        Assert.Equal(".0%", AxisTicks.Format([0.1, 0.9], percent: true));
        Assert.Equal(".0%", AxisTicks.Format([], percent: true));
        Assert.Equal(".0%", AxisTicks.Format([0.86, 0.87], percent: true, range: (0, 1))); // a fixed range decides
    }

    [Fact]
    public void Plain_numbers_keep_plotlys_own_format_which_follows_the_tick_spacing() =>
        Assert.Null(AxisTicks.Format([0.7, 0.71], percent: false));
}
