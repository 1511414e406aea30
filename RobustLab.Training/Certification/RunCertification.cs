using System.Diagnostics;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;

namespace RobustLab.Training.Certification;

/// <summary>A run certified after training: the full report, the metrics now in run.json, and the seconds it took.</summary>
public sealed record CertifiedRun(CheckpointCertificationReport Report, Evaluation.EvaluationResult Metrics, double Seconds);

/// <summary>
/// Certifies a finished run in its own folder (the job engine's entry point): <see cref="CheckpointCertification.Run"/>
/// with the run's seed, the per-image rows into certify-&lt;sigma&gt;.csv, and the scalars and the seconds
/// (<see cref="RunStage.Certifying"/>) into run.json's metrics, keeping every other metric.
/// </summary>
public static class RunCertification
{
    public static CertifiedRun Certify(string runDir, DatasetCatalog catalog, IReadOnlyList<double>? sigmas, CertificationOptions options,
        string device, Action<CertificationProgress>? progress, CancellationToken ct)
    {
        var record = RunFolder.ReadRunJson(runDir);
        if (record.Metrics is null)
            throw new ArgumentException($"checkpoint: {runDir} holds no finished evaluation; certify a run that succeeded.");
        var clock = Stopwatch.StartNew();
        var report = CheckpointCertification.Run(runDir, catalog, null, sigmas, options with { Seed = record.Config.Seed },
            device, progress, ct);
        double seconds = clock.Elapsed.TotalSeconds;
        foreach (var c in report.Certifications)
            CertificationCsv.WriteFile(Path.Combine(runDir, CertificationCsv.FileName(c.Sigma)), c.Rows);
        var metrics = record.Metrics with
        {
            Certification = CertificationMetrics.Merge(record.Metrics.Certification, [.. report.Certifications.Select(CertificationMetrics.From)]),
            Timings = record.Metrics.Timings.WithStage(RunStage.Certifying, seconds),
        };
        RunFolder.WriteRunJson(runDir, record with { Metrics = metrics });
        return new CertifiedRun(report, metrics, seconds);
    }
}
