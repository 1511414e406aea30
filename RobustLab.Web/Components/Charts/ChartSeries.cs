namespace RobustLab.Web.Components.Charts;

/// <summary>How a series is drawn.</summary>
public enum ChartMode { Lines, Markers, LinesAndMarkers }

/// <summary>
/// One named series of (x, y) points for <see cref="LineChart"/>. <see cref="X"/> and <see cref="Y"/> have the same
/// length. A reference line (say, the baseline's accuracy) is a two-point series with <see cref="Dash"/> set.
/// </summary>
/// <param name="Name">Legend entry and hover label.</param>
/// <param name="X">The x values, in drawing order.</param>
/// <param name="Y">The y values, one per x.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>Lines, markers, or both (the default).</summary>
    public ChartMode Mode { get; init; } = ChartMode.LinesAndMarkers;

    /// <summary>Draw the line dashed (reference lines, validation curves).</summary>
    public bool Dash { get; init; }

    /// <summary>A CSS colour ("#1f77b4", "crimson"); null lets Plotly pick from its palette.</summary>
    public string? Color { get; init; }

    /// <summary>Optional hover text per point (same length as <see cref="X"/>), e.g. the run each point comes from.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>
    /// Optional symmetric error bar per point in y (same length as <see cref="Y"/>), e.g. the standard deviation over
    /// seeds; a null entry draws no bar (one seed has no spread).
    /// </summary>
    public IReadOnlyList<double?>? YError { get; init; }

    /// <summary>Optional symmetric error bar per point in x, as <see cref="YError"/>.</summary>
    public IReadOnlyList<double?>? XError { get; init; }

    /// <summary>Hide the series from the legend (it still shows on hover).</summary>
    public bool HideFromLegend { get; init; }

    /// <summary>A series from (x, y) pairs.</summary>
    public static ChartSeries From(string name, IEnumerable<(double X, double Y)> points)
    {
        var list = points.ToList();
        return new ChartSeries(name, list.Select(p => p.X).ToArray(), list.Select(p => p.Y).ToArray());
    }
}
