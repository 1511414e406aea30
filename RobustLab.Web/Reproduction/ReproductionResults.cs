using RobustLab.Training.Certification;
using RobustLab.Training.Corruptions;
using RobustLab.Web.Comparison;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Reproduction;

/// <summary>A succeeded run's certification at one sigma, as the report lists it.</summary>
public sealed record CertifiedRow(RunEntity Run, CertificationMetrics Metrics);

/// <summary>A succeeded run's corruption report (mean corruption accuracy, mCE when a baseline was given).</summary>
public sealed record CorruptionRow(RunEntity Run, CorruptionReport Report);

/// <summary>
/// What a reproduction shows, computed over the sweep's own runs (created and reused) with the comparisons of
/// Web/Comparison: Fig. 2 (<see cref="TradeOff"/>), Fig. 3 (<see cref="FairComparison"/>), Table 1
/// (<see cref="AttackTable"/>), and the certified and corruption measures of the runs that have them.
/// </summary>
public sealed record ReproductionResults(
    SweepRunSet Set, IReadOnlyList<ComparisonRun> Runs, TradeOffResult TradeOff, FairComparisonResult Fair, AttackTableResult Attacks,
    IReadOnlyList<CertifiedRow> Certified, IReadOnlyList<CorruptionRow> Corruptions)
{
    public static ReproductionResults Of(SweepRunSet set, double? tolerancePercent = null, GnrScalar scalar = GnrScalar.Trapezoid)
    {
        var runs = set.Runs.Select(ComparisonRun.From).OfType<ComparisonRun>().ToList();
        var succeeded = set.Runs.Where(r => r.Status == RunStatus.Succeeded).ToList();
        var metrics = succeeded.Select(r => (Run: r, Metrics: r.ReadMetrics())).Where(m => m.Metrics is not null).ToList();
        return new ReproductionResults(set, runs,
            new TradeOff().Build(runs, scalar),
            new FairComparison().Compare(set.Sweep.Dataset, set.Sweep.Model, runs, tolerancePercent, scalar),
            new AttackTable().Build(succeeded.Select(AttackedRun.From).OfType<AttackedRun>()),
            metrics.SelectMany(m => (m.Metrics!.Certification ?? []).Select(c => new CertifiedRow(m.Run, c))).ToList(),
            metrics.Where(m => m.Metrics!.Corruptions is not null).Select(m => new CorruptionRow(m.Run, m.Metrics!.Corruptions!)).ToList());
    }

    /// <summary>The setting label of a stored run ("regularizer alpha=1 sigma=0.5").</summary>
    public static string Label(RunEntity run) => MethodSetting.Of(run.Method, run.Sigma, run.Alpha, run.Copies).Label;
}
