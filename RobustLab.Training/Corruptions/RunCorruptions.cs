using System.Diagnostics;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;

namespace RobustLab.Training.Corruptions;

/// <summary>
/// The reference network of mCE: a baseline run's folder and name, and its stored corruption report (reused when it
/// was measured with the same corruptions, severities, images and seed; else the baseline is measured again).
/// </summary>
public sealed record CorruptionBaseline(string Name, string RunDir, CorruptionReport? Stored);

/// <summary>A run measured under corruptions after training: the report, the metrics now in run.json, and the seconds it took.</summary>
public sealed record CorruptionMeasurement(CorruptionReport Report, EvaluationResult Metrics, double Seconds);

/// <summary>
/// Measures a finished run under common corruptions in its own folder (the job engine's entry point): the run's seed,
/// its own test subset unless another is asked for, mCE against a baseline when one is given (docs/method.md, section
/// "Common corruptions and calibration"), and the report and its seconds (<see cref="RunStage.Corrupting"/>) into
/// run.json's metrics, keeping every other metric.
/// </summary>
public static class RunCorruptions
{
    public static CorruptionMeasurement Measure(string runDir, DatasetCatalog catalog, IReadOnlyList<string> corruptions, IReadOnlyList<int> severities,
        int? testSubset, CorruptionBaseline? baseline, string device, Action<CorruptionProgress>? progress, CancellationToken ct)
    {
        var record = RunFolder.ReadRunJson(runDir);
        if (record.Metrics is null)
            throw new ArgumentException($"checkpoint: {runDir} holds no finished evaluation; measure a run that succeeded.");
        var options = new CorruptionOptions { Corruptions = corruptions, Severities = severities, Seed = record.Config.Seed };
        int? images = testSubset ?? record.Config.TestSubset;
        var clock = Stopwatch.StartNew();
        var report = CorruptionSuite.EvaluateCheckpoint(runDir, catalog, images, options, device, progress, ct);
        if (baseline is not null)
        {
            var reference = SameFolder(baseline.RunDir, runDir) ? report
                : Reusable(baseline.Stored, report) ?? CorruptionSuite.EvaluateCheckpoint(baseline.RunDir, catalog, images, options, device, progress, ct);
            report = report with { Errors = MeanCorruptionError.Against(report, reference, baseline.Name) };
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var metrics = record.Metrics with { Corruptions = report, Timings = record.Metrics.Timings.WithStage(RunStage.Corrupting, seconds) };
        RunFolder.WriteRunJson(runDir, record with { Metrics = metrics });
        return new CorruptionMeasurement(report, metrics, seconds);
    }

    /// <summary>A stored baseline report measured as <paramref name="report"/> was (severities, images, seed, every corruption), or null.</summary>
    public static CorruptionReport? Reusable(CorruptionReport? stored, CorruptionReport report) =>
        stored is not null && stored.Severities.SequenceEqual(report.Severities) && stored.Images == report.Images && stored.Seed == report.Seed
        && report.Corruptions.All(c => stored[c.Corruption] is not null)
            ? stored : null;

    static bool SameFolder(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);
}
