using System.Globalization;
using RobustLab.Training.Loop;
using RobustLab.Web.Comparison;

namespace RobustLab.Web.Reproduction;

/// <summary>A figure: an id (the SVG's and the page chart's), its axes, and its series.</summary>
public sealed record Figure(string Id, string Title, string XTitle, string YTitle, bool YPercent, IReadOnlyList<FigureSeries> Series)
{
    public string Svg() => SvgChart.Render(Id, Title, XTitle, YTitle, Series, YPercent);
}

/// <summary>
/// The paper's figures from a reproduction's results, as data: the page draws them with Plotly, the report as SVG.
/// Fig. 2: accuracy and GNR against the training sigma, one line per N~ or alpha, the baseline dashed, error bars one
/// standard deviation over seeds. Fig. 3: every setting's accuracy against its GNR, the eligibility threshold (baseline
/// accuracy minus the tolerance) dashed, and the most robust eligible model per method marked.
/// </summary>
public static class ReproductionFigures
{
    public const string AccuracyId = "fig2-accuracy", GnrId = "fig2-gnr", FairId = "fig3-fair";

    static readonly string[] AugmentationColors = ["#ff7f0e", "#d62728", "#8c564b", "#e377c2", "#bcbd22"];
    static readonly string[] RegularizerColors = ["#1f77b4", "#2ca02c", "#17becf", "#9467bd", "#393b79", "#637939", "#843c39"];
    const string BaselineColor = "#555555";

    public static IReadOnlyList<Figure> All(ReproductionResults results) => [Accuracy(results), Gnr(results), Fair(results)];

    public static Figure Accuracy(ReproductionResults r) =>
        new(AccuracyId, "Fig. 2: test accuracy vs training sigma", "training sigma", "clean test accuracy", true,
            BySigma(r.TradeOff, p => (p.Accuracy, p.AccuracySpread.Std), b => b.AccuracySpread));

    public static Figure Gnr(ReproductionResults r) =>
        new(GnrId, $"Fig. 2: GNR ({r.Fair.Scalar.Field()}) vs training sigma", "training sigma", $"GNR ({r.Fair.Scalar.Field()})", false,
            BySigma(r.TradeOff, p => (p.Gnr, p.GnrSpread.Std), b => b.GnrSpread));

    public static Figure Fair(ReproductionResults r)
    {
        var series = new List<FigureSeries>();
        var settings = r.Fair.Settings;
        foreach (var method in new[] { TrainingMethod.Baseline, TrainingMethod.Augmentation, TrainingMethod.Regularizer })
        {
            var points = settings.Where(s => s.Result.Setting.Method == method).ToList();
            if (points.Count == 0) continue;
            series.Add(new FigureSeries(method.Name(), MethodColor(method),
                points.Select(s => new FigurePoint(s.Result.Gnr, s.Result.Accuracy, s.Result.AccuracySpread.Std,
                    $"{s.Result.Setting.Label}{(s.Eligible ? "" : " (below the threshold)")}")).ToList(), Lines: false));
        }
        if (r.Fair.BestPerMethod.Count > 0)
            series.Add(new FigureSeries("most robust eligible", "#000000",
                r.Fair.BestPerMethod.Select(s => new FigurePoint(s.Gnr, s.Accuracy, null, s.Setting.Label)).ToList(), Lines: false));
        if (r.Fair.Baseline is { } b && settings.Count > 0)
        {
            double lo = settings.Min(s => s.Result.Gnr), hi = settings.Max(s => s.Result.Gnr);
            series.Add(new FigureSeries($"threshold {P(b.Threshold)}",
                BaselineColor, [new(lo, b.Threshold), new(hi, b.Threshold)], Markers: false, Dash: true));
        }
        return new Figure(FairId, "Fig. 3: fair comparison at the baseline accuracy", $"GNR ({r.Fair.Scalar.Field()})", "clean test accuracy", true, series);
    }

    static IReadOnlyList<FigureSeries> BySigma(TradeOffResult result, Func<TradeOffPoint, (double Y, double? Std)> value, Func<SettingResult, SeedSpread> baseline)
    {
        var series = new List<FigureSeries>();
        int aug = 0, reg = 0;
        foreach (var line in result.Series)
        {
            string color = line.Method == TrainingMethod.Augmentation
                ? AugmentationColors[aug++ % AugmentationColors.Length]
                : RegularizerColors[reg++ % RegularizerColors.Length];
            series.Add(new FigureSeries(line.Name, color, line.Points.Select(p =>
            {
                var (y, std) = value(p);
                return new FigurePoint(p.Sigma, y, std, $"{line.Name}, sigma {F(p.Sigma)}: {F(y)}{(std is { } s ? " ± " + F(s) : "")}, {p.Seeds} seed(s)");
            }).ToList()));
        }
        if (result.Baseline is { } b)
        {
            var sigmas = result.Series.SelectMany(s => s.Points).Select(p => p.Sigma).DefaultIfEmpty(0).ToList();
            var spread = baseline(b);
            series.Add(new FigureSeries($"baseline ({b.Seeds} seed(s))", BaselineColor,
                [new(Math.Min(0, sigmas.Min()), spread.Mean), new(Math.Max(sigmas.Max(), 0.5), spread.Mean)], Markers: false, Dash: true));
        }
        return series;
    }

    static string MethodColor(TrainingMethod method) => method switch
    {
        TrainingMethod.Baseline => BaselineColor,
        TrainingMethod.Augmentation => AugmentationColors[0],
        _ => RegularizerColors[0],
    };

    static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
    static string P(double v) => (100 * v).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
