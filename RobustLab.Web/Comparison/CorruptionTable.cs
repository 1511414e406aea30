using RobustLab.Training.Corruptions;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Comparison;

/// <summary>
/// One run measured under corruptions: its report, whether it competes at fair accuracy, and its corruption errors
/// against the reference baseline run (null with <see cref="ErrorsMissing"/> saying why when there are none).
/// </summary>
public sealed record CorruptedRun(ComparisonRun Run, CorruptionReport Report, bool Eligible, bool IsReference,
    CorruptionErrors? Errors, string? ErrorsMissing)
{
    public double MeanCorruptionAccuracy => Report.MeanCorruptionAccuracy;

    /// <summary>"regularizer alpha=1 sigma=0.25, seed 0".</summary>
    public string Label => Run.Setting.Label + ", seed " + Run.Seed;
}

public sealed record CorruptionTableResult(
    string Dataset, string Model, double TolerancePercent, BaselineReference? Baseline, ComparisonRun? Reference,
    IReadOnlyList<CorruptedRun> Rows)
{
    public bool IsEmpty => Rows.Count == 0;

    /// <summary>The rows shown: all, or only the runs within the tolerance of the baseline accuracy.</summary>
    public IReadOnlyList<CorruptedRun> Shown(bool eligibleOnly) => eligibleOnly ? Rows.Where(r => r.Eligible).ToList() : Rows;

    /// <summary>The corruptions any row measured, in the catalogue's order.</summary>
    public IReadOnlyList<string> Corruptions =>
        CorruptionCatalog.Names.Where(n => Rows.Any(r => r.Report[n] is not null)).ToList();
}

/// <summary>
/// The Corruptions page's table (docs/method.md, section "Common corruptions and calibration") for one data set and model: per run
/// with a corruption report, the mean corruption accuracy, and mCE and relative mCE (Hendrycks and Dietterich) with the
/// reference baseline run as the reference network. The reference is <see cref="CorruptionReference"/>'s choice among
/// the baseline runs with a report; a run measured with other severities, images or seed than the reference has no mCE, and the
/// row says why. Which runs compete at fair accuracy is <see cref="FairComparison"/>'s rule, unchanged.
/// </summary>
public sealed class CorruptionTable(FairComparison fair)
{
    public CorruptionTableResult Build(string dataset, string model, IEnumerable<ComparisonRun> runs, double? tolerancePercent = null)
    {
        var all = runs.ToList();
        var fairResult = fair.Compare(dataset, model, all, tolerancePercent);
        var eligible = fairResult.Settings.Where(s => s.Eligible).SelectMany(s => s.Result.RunIds).ToHashSet();
        var measured = all.Where(r => r.Corruptions is not null).ToList();
        var reference = CorruptionReference.Choose(measured, r => r.Id, r => r.Method, _ => true);
        var rows = measured
            .OrderBy(r => r.Method).ThenBy(r => r.Copies).ThenBy(r => r.Alpha).ThenBy(r => r.Sigma).ThenBy(r => r.Seed).ThenBy(r => r.Id)
            .Select(r => Row(r, eligible.Contains(r.Id), reference))
            .ToList();
        return new CorruptionTableResult(dataset, model, fairResult.TolerancePercent, fairResult.Baseline, reference, rows);
    }

    static CorruptedRun Row(ComparisonRun run, bool eligible, ComparisonRun? reference)
    {
        var report = run.Corruptions!;
        if (reference is null)
            return new CorruptedRun(run, report, eligible, false, null, "no baseline run has a corruption report");
        try
        {
            var errors = MeanCorruptionError.Against(report, reference.Corruptions!, reference.Id.ToString());
            return new CorruptedRun(run, report, eligible, run.Id == reference.Id, errors, null);
        }
        catch (ArgumentException e)
        {
            // Measured on other images, severities or corruptions than the reference: the ratio would compare unlike things.
            return new CorruptedRun(run, report, eligible, run.Id == reference.Id, null, e.Message);
        }
    }
}
