using System.Globalization;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Comparison;

/// <summary>
/// A method with the hyperparameters that matter to it: the baseline has none, augmentation has sigma and N~ (it
/// ignores alpha), the regulariser has sigma and alpha (it draws no copies). Runs that differ only in seed share a
/// setting, and the comparisons average over them.
/// </summary>
public sealed record MethodSetting(TrainingMethod Method, double Sigma, double Alpha, int Copies)
{
    public static MethodSetting Of(TrainingMethod method, double sigma, double alpha, int copies) => method switch
    {
        TrainingMethod.Baseline => new(method, 0, 0, 0),
        TrainingMethod.Augmentation => new(method, sigma, 0, copies),
        _ => new(method, sigma, alpha, 0),
    };

    /// <summary>"baseline", "augmentation N~=6 sigma=0.25", "regularizer alpha=1 sigma=0.5".</summary>
    public string Label => Method switch
    {
        TrainingMethod.Baseline => "baseline",
        TrainingMethod.Augmentation => $"augmentation N~={Copies} sigma={F(Sigma)}",
        _ => $"regularizer alpha={F(Alpha)} sigma={F(Sigma)}",
    };

    /// <summary>The line this setting belongs to in the trade-off plots: one per N~, one per alpha.</summary>
    public string LineLabel => Method switch
    {
        TrainingMethod.Baseline => "baseline",
        TrainingMethod.Augmentation => $"augmentation N~={Copies}",
        _ => $"regularizer alpha={F(Alpha)}",
    };

    static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>
/// A setting's runs over seeds: accuracy, GNR (the chosen scalar) and training seconds as mean and spread. The means
/// are what the comparisons rank by; the spreads are their error bars.
/// </summary>
public sealed record SettingResult(
    MethodSetting Setting, SeedSpread AccuracySpread, SeedSpread GnrSpread, SeedSpread TrainingSecondsSpread, IReadOnlyList<Guid> RunIds)
{
    public double Accuracy => AccuracySpread.Mean;
    public double Gnr => GnrSpread.Mean;
    public double TrainingSeconds => TrainingSecondsSpread.Mean;

    /// <summary>The number of runs averaged (one per seed).</summary>
    public int Seeds => RunIds.Count;

    /// <summary>Groups runs by setting and takes each group's spread over its runs (seeds); ordered by method, N~, alpha, sigma.</summary>
    public static IReadOnlyList<SettingResult> Average(IEnumerable<ComparisonRun> runs, GnrScalar scalar) =>
        runs.GroupBy(r => r.Setting)
            .Select(g => new SettingResult(g.Key, SeedSpread.Of(g, r => r.Accuracy), SeedSpread.Of(g, r => r.GnrOf(scalar)),
                SeedSpread.Of(g, r => r.TrainingSeconds), g.Select(r => r.Id).ToList()))
            .OrderBy(s => s.Setting.Method).ThenBy(s => s.Setting.Copies).ThenBy(s => s.Setting.Alpha).ThenBy(s => s.Setting.Sigma)
            .ToList();
}
