using Bunit;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using RobustLab.Web.Components.Charts;

namespace RobustLab.Tests.Dashboard.Runs;

public class LineChartTests : RunsDashboardContext
{
    [Fact]
    public void Series_become_named_scatter_traces_and_new_points_redraw_the_chart()
    {
        var chart = Render<LineChart>(p => p
            .Add(c => c.Title, "Accuracy per epoch")
            .Add(c => c.Series, [new ChartSeries("train", [1], [0.5]), new ChartSeries("validation", [1], [0.45]) { Dash = true }]));

        var plotly = chart.FindComponent<PlotlyChart>().Instance;
        var traces = plotly.Data.Cast<Scatter>().ToList();
        Assert.Equal(["train", "validation"], traces.Select(t => t.Name));
        Assert.Equal("dash", traces[1].Line.Dash);
        Assert.Contains("\"filename\":\"accuracy-per-epoch\"", System.Text.Json.JsonSerializer.Serialize(plotly.Config.ToImageButtonOptions));
        int reactsBefore = Reacts();

        chart.Render(p => p.Add(c => c.Series, [new ChartSeries("train", [1, 2], [0.5, 0.6]), new ChartSeries("validation", [1, 2], [0.45, 0.5])]));

        Assert.Equal([1.0, 2.0], plotly.Data.Cast<Scatter>().First().X.Cast<double>());
        chart.WaitForAssertion(() => Assert.True(Reacts() > reactsBefore));
    }

    int Reacts() => Bunit.JSInterop.Invocations.Count(i => i.Identifier == "react");
}
