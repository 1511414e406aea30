using System.Globalization;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Comparison;

/// <summary>
/// A method with the hyperparameters that matter to it: the baseline has none, augmentation has sigma and N~ (it
/// ignores alpha), the regulariser has sigma, alpha and its variant (it draws no copies), gaussian has sigma, stability
/// sigma and lambda, consistency sigma, lambda, m and eta. Runs that differ only in seed share a setting, and the
/// comparisons average over them. This is the one place that names a run's method setting.
/// </summary>
public sealed record MethodSetting(TrainingMethod Method, double Sigma, double Alpha, int Copies)
{
    /// <summary>lambda (stability, consistency), m and eta (consistency); 0 where the method has none.</summary>
    public double Lambda { get; init; }
    public int ConsistencyCopies { get; init; }
    public double Eta { get; init; }
    /// <summary>The regulariser's form, target and gamma; the paper's for every other method.</summary>
    public RegularizerVariant Variant { get; init; } = RegularizerVariant.Paper;

    public static MethodSetting Of(TrainingMethod method, double sigma, double alpha, int copies) => method switch
    {
        TrainingMethod.Baseline => new(method, 0, 0, 0),
        TrainingMethod.Augmentation => new(method, sigma, 0, copies),
        TrainingMethod.Regularizer => new(method, sigma, alpha, 0),
        _ => new(method, sigma, 0, 0),
    };

    /// <summary>The setting of a run with these options: only the parameters its method uses.</summary>
    public static MethodSetting Of(TrainingOptions o) => o.Method switch
    {
        TrainingMethod.Regularizer => Of(o.Method, o.Sigma, o.Alpha, o.Copies) with { Variant = o.Variant },
        TrainingMethod.Stability => Of(o.Method, o.Sigma, o.Alpha, o.Copies) with { Lambda = o.LambdaInForce },
        TrainingMethod.Consistency => Of(o.Method, o.Sigma, o.Alpha, o.Copies) with
        {
            Lambda = o.LambdaInForce, ConsistencyCopies = o.ConsistencyCopies, Eta = o.Eta,
        },
        _ => Of(o.Method, o.Sigma, o.Alpha, o.Copies),
    };

    /// <summary>"baseline", "augmentation N~=6 sigma=0.25", "regularizer alpha=1 sigma=0.5", "stability lambda=2 sigma=0.25", ...</summary>
    public string Label => Method == TrainingMethod.Baseline ? "baseline" : $"{LineLabel} sigma={F(Sigma)}";

    /// <summary>
    /// The line this setting belongs to in the trade-off plots (everything but sigma): "augmentation N~=6",
    /// "regularizer mixed alpha=0.5 gamma=0.25", "consistency m=2 lambda=10 eta=0.5", "gaussian".
    /// </summary>
    public string LineLabel => Method switch
    {
        TrainingMethod.Baseline => "baseline",
        TrainingMethod.Augmentation => $"augmentation N~={Copies}",
        TrainingMethod.Regularizer => "regularizer" + (Variant.Form == RegularizerForm.Mixed ? " mixed" : "") + $" alpha={F(Alpha)}" +
            (Variant.Target == RegularizerTarget.Predictions ? " target=predictions" : "") + (Variant.Gamma > 0 ? $" gamma={F(Variant.Gamma)}" : ""),
        TrainingMethod.Stability => $"stability lambda={F(Lambda)}",
        TrainingMethod.Consistency => $"consistency m={ConsistencyCopies} lambda={F(Lambda)} eta={F(Eta)}",
        _ => Method.Name(),
    };

    /// <summary>The parameters of <see cref="LineLabel"/> without the method's name ("alpha=1", "m=2 lambda=10 eta=0.5"); "-" for none.</summary>
    public string Parameters => LineLabel.IndexOf(' ') is var space and > 0 ? LineLabel[(space + 1)..] : "-";

    /// <summary>The setting without its sigma: the key of a trade-off line.</summary>
    public MethodSetting Line => this with { Sigma = 0 };

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
            .OrderBy(s => s.Setting.Method).ThenBy(s => s.Setting.Copies).ThenBy(s => s.Setting.Alpha)
            .ThenBy(s => s.Setting.LineLabel, StringComparer.Ordinal).ThenBy(s => s.Setting.Sigma)
            .ToList();
}
