using System.Globalization;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Comparison;

/// <summary>
/// The paper's fair comparison (docs/method.md, section "Fair comparison", Fig. 3) for one data set and model. A constant classifier is
/// perfectly robust, so only models whose clean accuracy is at least the baseline's minus a tolerance compete; among
/// them the most robust of each method is reported, and the regulariser is matched to the smallest number of noisy
/// augmentation copies N~ that reaches its robustness.
/// <para>
/// Choices: runs that differ only in seed are one setting, averaged (accuracy, GNR, training seconds, each with its seed
/// spread; whether the regulariser's lead exceeds that spread is <see cref="RegularizerAdvantage"/>); the baseline
/// accuracy is the mean over every baseline run (all seeds) of the data set and model. A model exactly at baseline minus
/// tolerance is eligible. Ties in GNR go to the higher accuracy, then to the cheaper training.
/// </para>
/// </summary>
public sealed class FairComparison
{
    /// <summary>Accuracies are fractions measured on at most a few 10^4 images; this only absorbs rounding in baseline - tolerance.</summary>
    const double Epsilon = 1e-9;

    /// <summary>
    /// The paper's tolerance for a data set, in accuracy percentage points: 0 for the MNIST-like sets (mnist, mnist10k,
    /// fashion-mnist), 0.39 for cifar10, 0.75 for cifar100; 0 for any other name.
    /// </summary>
    public static double DefaultTolerance(string? dataset) => (dataset ?? "").Trim().ToLowerInvariant() switch
    {
        "cifar10" => 0.39,
        "cifar100" => 0.75,
        _ => 0,
    };

    /// <param name="runs">Succeeded runs of this data set and model (any order, any seeds).</param>
    /// <param name="tolerancePercent">Percentage points below the baseline accuracy still eligible; null for <see cref="DefaultTolerance"/>.</param>
    public FairComparisonResult Compare(string dataset, string model, IEnumerable<ComparisonRun> runs,
        double? tolerancePercent = null, GnrScalar scalar = GnrScalar.Trapezoid) =>
        Compare(dataset, model, runs, tolerancePercent, RobustnessMeasure.Of(scalar));

    /// <summary>
    /// The comparison ranked by <paramref name="measure"/> (a GNR scalar, or certified AUC or ACR at a sigma). Eligibility
    /// is the same rule whatever the measure: the baseline accuracy is the mean over every baseline run, and only the
    /// runs that have the measure are ranked (a run not certified at the measure's sigma is left out).
    /// </summary>
    public FairComparisonResult Compare(string dataset, string model, IEnumerable<ComparisonRun> runs,
        double? tolerancePercent, RobustnessMeasure measure)
    {
        GnrScalar scalar = measure.Scalar;
        double tolerance = tolerancePercent ?? DefaultTolerance(dataset);
        if (!double.IsFinite(tolerance) || tolerance < 0 || tolerance > 100)
            throw new ArgumentOutOfRangeException(nameof(tolerancePercent), tolerance,
                "tolerance must be a number of accuracy percentage points in [0, 100].");

        var all = runs.ToList();
        var measured = measure.Measured(all);
        var settings = SettingResult.Average(measured, scalar);
        var baselineRuns = all.Where(r => r.Method == TrainingMethod.Baseline).ToList();
        if (baselineRuns.Count == 0)
        {
            return new FairComparisonResult(dataset, model, tolerance, scalar, null,
                settings.Select(s => new ComparedSetting(s, Eligible: false, Best: false)).ToList(), [],
                EquivalentFolds.Missing(FoldsOutcome.NoBaseline,
                    "No baseline yet, so no model can be compared: run a baseline first."),
                RegularizerAdvantage.Of([], measure.ShortName)) { Measure = measure };
        }

        var measuredBaseline = measured.Where(r => r.Method == TrainingMethod.Baseline).ToList();
        var baseline = new BaselineReference(SeedSpread.Of(baselineRuns, r => r.Accuracy),
            measuredBaseline.Count > 0 ? SeedSpread.Of(measuredBaseline, r => r.GnrOf(scalar)) : SeedSpread.None, tolerance);
        var eligible = settings.Where(s => s.Accuracy >= baseline.Threshold - Epsilon).ToList();
        var best = eligible.GroupBy(s => s.Setting.Method).OrderBy(g => g.Key).Select(g => MostRobust(g)).ToList();
        var compared = settings.Select(s => new ComparedSetting(s, eligible.Contains(s), best.Contains(s))).ToList();
        return new FairComparisonResult(dataset, model, tolerance, scalar, baseline, compared, best, Folds(eligible, best, measure.ShortName),
            RegularizerAdvantage.Of(best, measure.ShortName)) { Measure = measure };
    }

    /// <summary>Highest GNR; ties: higher accuracy, then fewer training seconds, then the setting's label.</summary>
    static SettingResult MostRobust(IEnumerable<SettingResult> settings) =>
        settings.OrderByDescending(s => s.Gnr).ThenByDescending(s => s.Accuracy).ThenBy(s => s.TrainingSeconds)
            .ThenBy(s => s.Setting.Label, StringComparer.Ordinal).First();

    static EquivalentFolds Folds(IReadOnlyList<SettingResult> eligible, IReadOnlyList<SettingResult> best, string measure)
    {
        var regularizer = best.FirstOrDefault(s => s.Setting.Method == TrainingMethod.Regularizer);
        var perCopies = eligible.Where(s => s.Setting.Method == TrainingMethod.Augmentation)
            .GroupBy(s => s.Setting.Copies).OrderBy(g => g.Key).Select(g => MostRobust(g)).ToList();
        if (regularizer is null)
            return new EquivalentFolds(FoldsOutcome.NoEligibleRegularizer, null, perCopies, null,
                "No regularizer model is within the tolerance of the baseline accuracy yet, so there is nothing to match: " +
                "queue a regularizer sweep (several sigma and alpha) for this data set.");
        if (perCopies.Count == 0)
            return new EquivalentFolds(FoldsOutcome.NoEligibleAugmentation, regularizer, perCopies, null,
                $"No augmentation model is within the tolerance of the baseline accuracy yet, so the regularizer's best {measure} " +
                $"({G(regularizer.Gnr)}) has no N~ to match: queue an augmentation sweep (N~ in 2, 6, 11, 21; several sigma).");

        var match = perCopies.FirstOrDefault(s => s.Gnr >= regularizer.Gnr - 1e-12);
        string reg = $"The regularizer's best {measure} {G(regularizer.Gnr)} ({Describe(regularizer)}, {S(regularizer.TrainingSeconds)} of training)";
        if (match is null)
        {
            var largest = perCopies[^1];
            return new EquivalentFolds(FoldsOutcome.NotMatched, regularizer, perCopies, null,
                $"{reg} is above the best of every N~ tried: it is worth more than N~={largest.Setting.Copies} folds " +
                $"of augmentation, the largest tried (best {measure} {G(largest.Gnr)}, {Describe(largest)}, {S(largest.TrainingSeconds)}).");
        }
        return new EquivalentFolds(FoldsOutcome.Matched, regularizer, perCopies, match.Setting.Copies,
            $"{reg} is matched by augmentation with N~={match.Setting.Copies} at the least (best {measure} {G(match.Gnr)}, " +
            $"{Describe(match)}, {S(match.TrainingSeconds)} of training).");
    }

    static string Describe(SettingResult s) => s.Setting.Label + $", accuracy {P(s.Accuracy)}";
    static string G(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
    static string P(double v) => (100 * v).ToString("0.00", CultureInfo.InvariantCulture) + "%";
    static string S(double seconds) => seconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    /// <summary>The New run form for this data set and model (the form may use the query as its defaults).</summary>
    public static string NewRunHref(string? dataset, string? model, TrainingMethod? method = null)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(dataset)) query.Add("dataset=" + Uri.EscapeDataString(dataset));
        if (!string.IsNullOrEmpty(model)) query.Add("model=" + Uri.EscapeDataString(model));
        if (method is { } m) query.Add("method=" + m.Name());
        return query.Count == 0 ? "/new" : "/new?" + string.Join('&', query);
    }

    /// <summary>What to queue when there is no baseline: the method and sigma it needs.</summary>
    public static string RunBaselineFirst(string dataset, string model) =>
        $"Run a baseline first: queue a run with method baseline (sigma 0, alpha 0, no copies) on {dataset} with {model}. " +
        "The comparison keeps only models whose clean accuracy is at least the baseline's minus the tolerance.";
}

/// <summary>The baseline every model is held to: accuracy (and GNR) over its runs, and the eligibility threshold (from the mean).</summary>
public sealed record BaselineReference(SeedSpread AccuracySpread, SeedSpread GnrSpread, double TolerancePercent)
{
    public double Accuracy => AccuracySpread.Mean;
    public double Gnr => GnrSpread.Mean;
    public int Runs => AccuracySpread.N;

    /// <summary>The lowest eligible accuracy (a fraction): baseline accuracy minus the tolerance.</summary>
    public double Threshold => Accuracy - TolerancePercent / 100;
}

public sealed record ComparedSetting(SettingResult Result, bool Eligible, bool Best);

public enum FoldsOutcome { NoBaseline, NoEligibleRegularizer, NoEligibleAugmentation, Matched, NotMatched }

/// <summary>
/// The equivalent augmentation folds: the smallest N~ whose best eligible GNR (over sigma) reaches the regulariser's
/// best eligible GNR (<see cref="MatchedCopies"/>), or none when every N~ tried falls short; with the training seconds.
/// </summary>
public sealed record EquivalentFolds(
    FoldsOutcome Outcome, SettingResult? Regularizer, IReadOnlyList<SettingResult> BestPerCopies, int? MatchedCopies, string Statement)
{
    public static EquivalentFolds Missing(FoldsOutcome outcome, string statement) => new(outcome, null, [], null, statement);

    /// <summary>The largest N~ among eligible augmentation models, if any.</summary>
    public int? LargestCopiesTried => BestPerCopies.Count == 0 ? null : BestPerCopies[^1].Setting.Copies;
}

public sealed record FairComparisonResult(
    string Dataset, string Model, double TolerancePercent, GnrScalar Scalar, BaselineReference? Baseline,
    IReadOnlyList<ComparedSetting> Settings, IReadOnlyList<SettingResult> BestPerMethod, EquivalentFolds Folds,
    RegularizerAdvantage Advantage)
{
    public bool HasBaseline => Baseline is not null;

    /// <summary>What the settings were ranked by; their <c>Gnr</c> fields hold its values.</summary>
    public RobustnessMeasure Measure { get => field ?? RobustnessMeasure.Of(Scalar); init; }

    /// <summary>"Run a baseline first" (with the method and sigma it needs) when there is none; null otherwise.</summary>
    public string? MissingBaseline => Baseline is null ? FairComparison.RunBaselineFirst(Dataset, Model) : null;
}
