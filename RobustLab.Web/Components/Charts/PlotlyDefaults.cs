using Plotly.Blazor;

namespace RobustLab.Web.Components.Charts;

/// <summary>
/// The Plotly configuration every RobustLab chart shares: the default mode bar (so "Download plot as png" stays), no
/// Plotly logo link, no MathJax typesetting and no topojson (both would be fetched from a CDN), resizing with the page.
/// </summary>
public static class PlotlyDefaults
{
    /// <param name="fileName">Name of the PNG the toolbar's camera button saves (without ".png").</param>
    public static Config Config(string fileName) => new()
    {
        DisplayLogo = false,
        Responsive = true,
        TypesetMath = false,
        ToImageButtonOptions = new { format = "png", filename = SafeFileName(fileName), scale = 2 },
    };

    /// <summary>Letters, digits, '-' and '_' only; "chart" when nothing is left.</summary>
    public static string SafeFileName(string? name)
    {
        var chars = (name ?? "").Trim().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray();
        string s = new string(chars).Trim('-');
        while (s.Contains("--")) s = s.Replace("--", "-");
        return s.Length == 0 ? "chart" : s.ToLowerInvariant();
    }
}
