using RobustLab.Training.Attacks;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Comparison;

/// <summary>Which size of the minimal perturbation the attacks table compares (the attack suite measures all three).</summary>
public enum AttackDistance
{
    /// <summary>Mean squared distance per pixel: Foolbox's default distance (the paper ran its Table 1 attacks through Foolbox).</summary>
    Mse,
    L2,
    Linf,
}

public static class AttackDistances
{
    /// <summary>The query-string spelling: "mse", "l2" or "linf".</summary>
    public static string Name(this AttackDistance distance) => distance switch
    {
        AttackDistance.L2 => "l2",
        AttackDistance.Linf => "linf",
        _ => "mse",
    };

    public static string Label(this AttackDistance distance) => distance switch
    {
        AttackDistance.L2 => "L2",
        AttackDistance.Linf => "Linf",
        _ => "MSE",
    };

    public static bool TryParse(string? text, out AttackDistance distance)
    {
        switch ((text ?? "").Trim().ToLowerInvariant())
        {
            case "" or "mse": distance = AttackDistance.Mse; return true;
            case "l2": distance = AttackDistance.L2; return true;
            case "linf" or "l-inf" or "linfinity": distance = AttackDistance.Linf; return true;
            default: distance = AttackDistance.Mse; return false;
        }
    }

    public static DistanceSummary Of(this AttackMetrics metrics, AttackDistance distance) => distance switch
    {
        AttackDistance.L2 => metrics.L2,
        AttackDistance.Linf => metrics.Linf,
        _ => metrics.Mse,
    };
}

/// <summary>One succeeded run whose metrics hold the attack suite's report; accuracy and GNR are fractions.</summary>
public sealed record AttackedRun(
    Guid Id, TrainingMethod Method, double Sigma, double Alpha, int Copies, int Seed,
    double Accuracy, double Gnr, DateTimeOffset FinishedAt, AttackReport Report)
{
    /// <summary>The run's stored options, for the parameters beyond sigma, alpha and N~ (null: none beyond them).</summary>
    public TrainingOptions? Options { get; init; }

    public MethodSetting Setting => MethodSetting.Of((Options ?? new TrainingOptions()) with { Method = Method, Sigma = Sigma, Alpha = Alpha, Copies = Copies });

    /// <summary>The sum of the run's measured epoch times (0 when it was read without its epochs).</summary>
    public double TrainingSeconds { get; init; }

    /// <summary>The run as a row of the attacks table, or null when it is not one (not succeeded, not evaluated, no attacks).</summary>
    public static AttackedRun? From(RunEntity run)
    {
        if (run.Status != RunStatus.Succeeded || run.TestAccuracy is not { } accuracy || run.Gnr is not { } gnr) return null;
        if (!HasAttacks(run.MetricsJson) || run.ReadMetrics()?.Attacks is not { Attacks.Count: > 0 } report) return null;
        return new AttackedRun(run.Id, run.Method, run.Sigma, run.Alpha, run.Copies, run.Seed, accuracy, gnr,
            run.FinishedAt ?? run.UpdatedAt, report) { Options = run.ReadOptions(), TrainingSeconds = run.EpochReports.Sum(e => e.Seconds) };
    }

    /// <summary>
    /// Whether stored metrics JSON has an attack report (<c>"attacks": {</c> at some level; the report's own list is an
    /// array), without parsing it: the page scans every succeeded run for the data sets and models that have one.
    /// </summary>
    public static bool HasAttacks(string? metricsJson)
    {
        if (string.IsNullOrEmpty(metricsJson)) return false;
        for (int at = metricsJson.IndexOf("\"attacks\"", StringComparison.Ordinal); at >= 0;
             at = metricsJson.IndexOf("\"attacks\"", at + 1, StringComparison.Ordinal))
        {
            int i = at + "\"attacks\"".Length;
            while (i < metricsJson.Length && char.IsWhiteSpace(metricsJson[i])) i++;
            if (i >= metricsJson.Length || metricsJson[i] != ':') continue;
            i++;
            while (i < metricsJson.Length && char.IsWhiteSpace(metricsJson[i])) i++;
            if (i < metricsJson.Length && metricsJson[i] == '{') return true;
        }
        return false;
    }
}

/// <summary>
/// One attack for one run: whether the run measured it, the median minimal perturbation over the images it fooled (NaN
/// when it fooled none), and that median as a multiple of the baseline's (null when there is no ratio to give).
/// </summary>
public sealed record AttackCell(string Attack, bool Measured, double Median, double SuccessRate, double? Ratio);

/// <param name="TrainingSeconds">The training seconds of the run's method setting over its seeds (the attacked runs of that setting).</param>
public sealed record AttackRow(AttackedRun Run, bool IsBaseline, IReadOnlyList<AttackCell> Cells, SeedSpread TrainingSeconds)
{
    public AttackCell? this[string attack] => Cells.FirstOrDefault(c => c.Attack == attack);
}

public sealed record AttackTableResult(AttackDistance Distance, AttackedRun? Baseline, IReadOnlyList<string> Attacks, IReadOnlyList<AttackRow> Rows)
{
    public bool IsEmpty => Rows.Count == 0;
    public bool HasBaseline => Baseline is not null;
}

/// <summary>
/// Paper Table 1 for one data set and model: per run with attack metrics, the median minimal perturbation each attack
/// needed and its ratio to the baseline's (how many times larger a perturbation the model needs). The baseline is the
/// most recently finished baseline run with attack metrics. A ratio needs both medians finite and the baseline's above
/// zero: an attack that fooled no image (median NaN) or that one of the two runs did not run has no ratio. Rows are
/// grouped by method setting (its seeds together), each with the setting's training seconds over its seeds, so the
/// compute a method needs stands next to the robustness it buys.
/// </summary>
public sealed class AttackTable
{
    public AttackTableResult Build(IEnumerable<AttackedRun> runs, AttackDistance distance = AttackDistance.Mse)
    {
        var all = runs.ToList();
        var baseline = BaselineOf(all);
        var attacks = AttackSelection.InCatalogOrder(all.SelectMany(r => r.Report.Attacks.Select(a => a.Attack)));
        var seconds = all.GroupBy(r => r.Setting).ToDictionary(g => g.Key, g => SeedSpread.Of(g, r => r.TrainingSeconds));
        var rows = all
            .OrderBy(r => r.Method).ThenBy(r => r.Copies).ThenBy(r => r.Alpha).ThenBy(r => r.Sigma)
            .ThenBy(r => r.Setting.Label, StringComparer.Ordinal).ThenBy(r => r.Seed)
            .ThenByDescending(r => r.FinishedAt)
            .Select(r => new AttackRow(r, r.Id == baseline?.Id, attacks.Select(a => Cell(r, baseline, a, distance)).ToList(), seconds[r.Setting]))
            .ToList();
        return new AttackTableResult(distance, baseline, attacks, rows);
    }

    /// <summary>The reference: the most recently finished baseline run (ties: the larger id); null when there is none.</summary>
    public static AttackedRun? BaselineOf(IEnumerable<AttackedRun> runs) =>
        runs.Where(r => r.Method == TrainingMethod.Baseline).OrderByDescending(r => r.FinishedAt).ThenByDescending(r => r.Id).FirstOrDefault();

    /// <summary>run / baseline, or null when either median is not a finite number or the baseline's is not above zero.</summary>
    public static double? Ratio(double runMedian, double baselineMedian) =>
        double.IsFinite(runMedian) && double.IsFinite(baselineMedian) && baselineMedian > 0 && runMedian >= 0
            ? runMedian / baselineMedian
            : null;

    static AttackCell Cell(AttackedRun run, AttackedRun? baseline, string attack, AttackDistance distance)
    {
        if (run.Report[attack] is not { } metrics) return new AttackCell(attack, false, double.NaN, double.NaN, null);
        double median = metrics.Of(distance).Median;
        double? ratio = baseline?.Report[attack] is { } reference ? Ratio(median, reference.Of(distance).Median) : null;
        return new AttackCell(attack, true, median, metrics.SuccessRate, ratio);
    }
}
