using RobustLab.Training.Loop;

namespace RobustLab.Web.Comparison;

/// <summary>
/// The accuracy-robustness trade-off (paper Fig. 2) for one data set and model: test accuracy and GNR against the
/// training sigma, one line per method setting (each N~ for augmentation, each alpha for the regulariser), the
/// baseline as a reference level, all averaged over seeds with their spread (the error bars); and every setting as an accuracy-vs-GNR point with the
/// Pareto front (no other setting has both higher accuracy and higher GNR).
/// </summary>
public sealed class TradeOff
{
    public TradeOffResult Build(IEnumerable<ComparisonRun> runs, GnrScalar scalar = GnrScalar.Trapezoid)
    {
        var settings = SettingResult.Average(runs, scalar);
        var baselineSetting = settings.FirstOrDefault(s => s.Setting.Method == TrainingMethod.Baseline);
        var series = settings.Where(s => s.Setting.Method != TrainingMethod.Baseline)
            .GroupBy(s => s.Setting.Line)
            .OrderBy(g => g.Key.Method).ThenBy(g => g.Key.Copies).ThenBy(g => g.Key.Alpha)
            .Select(g => new TradeOffSeries(g.First().Setting.LineLabel, g.Key.Method,
                g.Key.Method == TrainingMethod.Regularizer ? g.Key.Alpha : null,
                g.Key.Method == TrainingMethod.Augmentation ? g.Key.Copies : null,
                g.OrderBy(s => s.Setting.Sigma).Select(s => new TradeOffPoint(s.Setting.Sigma, s.AccuracySpread, s.GnrSpread)).ToList()))
            .ToList();
        return new TradeOffResult(series, baselineSetting, settings, ParetoFront(settings));
    }

    /// <summary>
    /// The settings no other setting dominates (at least as accurate and as robust, and strictly better in one),
    /// ordered by GNR ascending so they draw as a line from the accurate end to the robust end. Equal points both stay.
    /// </summary>
    public static IReadOnlyList<SettingResult> ParetoFront(IReadOnlyList<SettingResult> settings) =>
        ParetoFront(settings, s => s.Accuracy, s => s.Gnr);

    public static IReadOnlyList<T> ParetoFront<T>(IReadOnlyList<T> items, Func<T, double> accuracy, Func<T, double> gnr) =>
        items.Where(p => !items.Any(q => Dominates(accuracy(q), gnr(q), accuracy(p), gnr(p))))
            .OrderBy(gnr).ThenByDescending(accuracy).ToList();

    static bool Dominates(double accuracyQ, double gnrQ, double accuracyP, double gnrP) =>
        accuracyQ >= accuracyP && gnrQ >= gnrP && (accuracyQ > accuracyP || gnrQ > gnrP);
}

/// <summary>One point of a trade-off line: the training sigma and the accuracy and GNR over seeds (mean and spread).</summary>
public sealed record TradeOffPoint(double Sigma, SeedSpread AccuracySpread, SeedSpread GnrSpread)
{
    public double Accuracy => AccuracySpread.Mean;
    public double Gnr => GnrSpread.Mean;
    public int Seeds => AccuracySpread.N;
}

/// <summary>One line: a method with its fixed N~ (augmentation) or alpha (regulariser), over training sigma.</summary>
public sealed record TradeOffSeries(string Name, TrainingMethod Method, double? Alpha, int? Copies, IReadOnlyList<TradeOffPoint> Points);

public sealed record TradeOffResult(
    IReadOnlyList<TradeOffSeries> Series, SettingResult? Baseline, IReadOnlyList<SettingResult> Settings, IReadOnlyList<SettingResult> ParetoFront)
{
    public bool IsEmpty => Settings.Count == 0;
}
