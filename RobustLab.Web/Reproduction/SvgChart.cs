using System.Globalization;
using System.Net;
using System.Text;

namespace RobustLab.Web.Reproduction;

/// <summary>One point of a figure series, with an optional symmetric error bar in y (one standard deviation over seeds).</summary>
public sealed record FigurePoint(double X, double Y, double? YError = null, string? Label = null);

/// <summary>A named series of a figure (drawn as SVG in the report, with Plotly on the page); a reference level (the baseline) is a two-point dashed line.</summary>
public sealed record FigureSeries(string Name, string Color, IReadOnlyList<FigurePoint> Points, bool Lines = true, bool Markers = true, bool Dash = false);

/// <summary>
/// A small line chart as standalone SVG markup (no script, no external reference), for the downloadable report: axes
/// with ticks, one polyline per series, markers, error bars and a legend. The dashboard draws with Plotly; a report must
/// open anywhere, offline, so it carries its figures as markup.
/// </summary>
public static class SvgChart
{
    const int Width = 660, Height = 380, Left = 70, Right = 220, Top = 34, Bottom = 52;

    public static string Render(string id, string title, string xTitle, string yTitle, IReadOnlyList<FigureSeries> series, bool yPercent = false)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var svg = new StringBuilder();
        svg.Append($"<svg id=\"{Attr(id)}\" class=\"figure\" role=\"img\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append($"<title>{Text(title)}</title>");
        svg.Append($"<text x=\"{Width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">{Text(title)}</text>");
        if (points.Count == 0)
        {
            svg.Append($"<text x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\" fill=\"#777\">No finished runs yet.</text></svg>");
            return svg.ToString();
        }
        var (x0, x1) = Range(points.Select(p => p.X));
        var (y0, y1) = Range(points.SelectMany(p => new[] { p.Y - (p.YError ?? 0), p.Y + (p.YError ?? 0) }));
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double Sx(double x) => Left + (x - x0) / (x1 - x0) * plotW;
        double Sy(double y) => Top + plotH - (y - y0) / (y1 - y0) * plotH;

        svg.Append($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{N(plotW)}\" height=\"{N(plotH)}\" fill=\"none\" stroke=\"#999\"/>");
        foreach (double t in Ticks(x0, x1))
            svg.Append($"<line x1=\"{N(Sx(t))}\" y1=\"{N(Top + plotH)}\" x2=\"{N(Sx(t))}\" y2=\"{N(Top + plotH + 4)}\" stroke=\"#999\"/>")
               .Append($"<text x=\"{N(Sx(t))}\" y=\"{N(Top + plotH + 16)}\" text-anchor=\"middle\">{Tick(t, false)}</text>");
        foreach (double t in Ticks(y0, y1))
            svg.Append($"<line x1=\"{Left}\" y1=\"{N(Sy(t))}\" x2=\"{N(Left + plotW)}\" y2=\"{N(Sy(t))}\" stroke=\"#eee\"/>")
               .Append($"<text x=\"{Left - 6}\" y=\"{N(Sy(t) + 4)}\" text-anchor=\"end\">{Tick(t, yPercent)}</text>");
        svg.Append($"<text x=\"{N(Left + plotW / 2)}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Text(xTitle)}</text>");
        svg.Append($"<text x=\"16\" y=\"{N(Top + plotH / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {N(Top + plotH / 2)})\">{Text(yTitle)}</text>");

        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var visible = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            svg.Append($"<g class=\"series\" data-series=\"{Attr(s.Name)}\">");
            if (s.Lines && visible.Count > 1)
                svg.Append($"<polyline fill=\"none\" stroke=\"{Attr(s.Color)}\" stroke-width=\"2\"{(s.Dash ? " stroke-dasharray=\"6 4\"" : "")} points=\"")
                   .Append(string.Join(' ', visible.Select(p => $"{N(Sx(p.X))},{N(Sy(p.Y))}"))).Append("\"/>");
            foreach (var p in visible)
            {
                if (p.YError is > 0 and var e)
                    svg.Append($"<path d=\"M{N(Sx(p.X))},{N(Sy(p.Y - e))}V{N(Sy(p.Y + e))}M{N(Sx(p.X) - 4)},{N(Sy(p.Y - e))}h8M{N(Sx(p.X) - 4)},{N(Sy(p.Y + e))}h8\" stroke=\"{Attr(s.Color)}\" fill=\"none\"/>");
                if (s.Markers)
                    svg.Append($"<circle cx=\"{N(Sx(p.X))}\" cy=\"{N(Sy(p.Y))}\" r=\"3.5\" fill=\"{Attr(s.Color)}\">")
                       .Append(p.Label is null ? "" : $"<title>{Text(p.Label)}</title>").Append("</circle>");
            }
            double ly = Top + 8 + 16 * i;
            svg.Append($"<line x1=\"{Width - Right + 12}\" y1=\"{N(ly)}\" x2=\"{Width - Right + 32}\" y2=\"{N(ly)}\" stroke=\"{Attr(s.Color)}\" stroke-width=\"2\"{(s.Dash ? " stroke-dasharray=\"4 3\"" : "")}/>")
               .Append($"<text x=\"{Width - Right + 38}\" y=\"{N(ly + 4)}\">{Text(s.Name)}</text></g>");
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>The values' range, padded by 5% each side; a single value gets a span around it.</summary>
    static (double Lo, double Hi) Range(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        double lo = finite.Min(), hi = finite.Max();
        if (hi - lo < 1e-12) { double pad = Math.Max(Math.Abs(lo) * 0.05, 0.01); return (lo - pad, hi + pad); }
        double margin = (hi - lo) * 0.05;
        return (lo - margin, hi + margin);
    }

    /// <summary>About five ticks at a 1, 2 or 5 times a power of ten spacing inside [lo, hi].</summary>
    public static IReadOnlyList<double> Ticks(double lo, double hi)
    {
        double raw = (hi - lo) / 5, power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(s => s >= raw - 1e-15);
        var ticks = new List<double>();
        for (double t = Math.Ceiling(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.Add(Math.Round(t / step) * step + 0.0); // + 0.0: no "-0" tick
        return ticks;
    }

    static string Tick(double v, bool percent) => percent
        ? (100 * v).ToString("0.##", CultureInfo.InvariantCulture) + "%"
        : v.ToString("0.###", CultureInfo.InvariantCulture);

    static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
    static string Text(string s) => WebUtility.HtmlEncode(s);
    static string Attr(string s) => WebUtility.HtmlEncode(s);
}
