using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Hangfire;
using Microsoft.Extensions.Options;
using RobustLab.Training.Certification;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The Hangfire job that certifies a run that already succeeded by randomised smoothing (docs/method.md, section
/// "Certified robustness") under the run's lease (<see cref="LeasedRunJob"/>, as <see cref="AttackRunJob"/>): it runs
/// <see cref="RunCertification.Certify"/> on the run folder the store names, on the run's device, writes
/// certify-&lt;sigma&gt;.csv there and merges the scalars per sigma into the stored metrics, keeping every other metric.
/// The run stays Succeeded throughout; a failure is in the run log and the job's Failed state; a cancel
/// (<see cref="IRunQueue.CancelAsync"/>) stops it within one batch. Restartable: a new delivery certifies from the start.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class CertifyRunJob(
    IRunStore store, DatasetCatalog catalog, RunEvents events, LeasedRunJob leased, IOptions<RunExecutionOptions> options,
    ILogger<CertifyRunJob> logger)
{
    readonly RunExecutionOptions _options = options.Value;

    /// <param name="sigmas">Noise levels to certify at; null: the run's training sigma. Validated when the job was queued.</param>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("Certify run {0}")]
    public async Task ExecuteAsync(Guid runId, double[]? sigmas, int n0, int n, double alpha, int images, CancellationToken ct)
    {
        var run = await store.GetRunAsync(runId, ct: ct);
        if (run is null) { logger.LogWarning("Run {RunId} is not in the run store; no certification.", runId); return; }
        if (run.Status != RunStatus.Succeeded || run.RunDir is null)
        {
            logger.LogWarning("Run {RunId} is {Status}; only a succeeded run is certified.", runId, run.Status.Name());
            return;
        }
        string runDir = run.RunDir;
        if (!Directory.Exists(runDir))
            throw new InvalidOperationException($"the run folder {runDir} is not on this worker ({Environment.MachineName}); " +
                "a certification job needs it, on a mount that every worker shares, as training does.");

        var request = new CertifyRequestOptions(sigmas, n0, n, alpha, images);
        var certification = new CertificationOptions { Sigma = 1, N0 = n0, N = n, Alpha = alpha, Images = images };
        var log = new RunLog(runDir, logger);
        var outcome = await leased.RunAsync(runId, LeaseMode.AfterTraining,
            lease => CertifyAsync(run, runDir, request, certification, log, lease),
            o => EndedAsync(run, log, o), ct);
        if (outcome.End == LeasedRunEnd.NotAcquired)
            throw new InvalidOperationException("another worker holds this run (training, attacking or certifying it); try again when it is done.");
        if (outcome.End == LeasedRunEnd.LeaseLost) throw new InvalidOperationException("the lease on the run was lost; certify the run again.");
        if (outcome.End == LeasedRunEnd.Failed) throw new InvalidOperationException(outcome.Error, outcome.Exception);
    }

    async Task CertifyAsync(RunEntity run, string runDir, CertifyRequestOptions request, CertificationOptions certification, RunLog log, LeasedRun lease)
    {
        var runId = run.Id;
        log.Write("certifying: " + CertifySubmitter.Describe(request, run.Sigma));
        Publish(run);

        var sincePublished = Stopwatch.StartNew();
        void OnProgress(CertificationProgress p)
        {
            // One line per progress interval and the last one: a progress report comes with every batch.
            if (p.SamplesDone < p.Samples && sincePublished.Elapsed < _options.ProgressInterval) return;
            sincePublished.Restart();
            log.Write(string.Create(CultureInfo.InvariantCulture, $"certifying at sigma {p.Sigma}: {p.ImagesDone}/{p.Images} images"));
            Publish(run);
        }

        var certified = await lease.OnOwnThread(token =>
            RunCertification.Certify(runDir, catalog, request.Sigmas, certification, run.Device, OnProgress, token));

        var current = await lease.Store.CallAsync(s => s.GetRunAsync(runId, ct: CancellationToken.None));
        if (current is null)
        {
            logger.LogWarning("Run {RunId} was deleted while it was certified; the results are dropped.", runId);
            return;
        }
        // The stored metrics are what the results join (run.json has them already).
        var stored = current.ReadMetrics() ?? certified.Metrics;
        var fresh = certified.Report.Certifications.Select(CertificationMetrics.From).ToList();
        var metrics = stored with
        {
            Certification = CertificationMetrics.Merge(stored.Certification, fresh),
            Timings = stored.Timings.WithStage(RunStage.Certifying, certified.Seconds),
        };
        log.Write("certification finished: " + string.Join("; ", fresh.Select(f => string.Create(CultureInfo.InvariantCulture,
            $"sigma {f.Sigma}: certified accuracy {f.CertifiedAccuracy[0].Accuracy:0.###} at radius 0, ACR {f.AverageCertifiedRadius:0.####}, " +
            $"certified AUC {f.CertifiedAuc:0.####}, abstain {f.AbstainRate:0.###}"))));
        await lease.Store.CallAsync(s => s.SetMetricsAsync(runId, metrics, CancellationToken.None));
        Publish(current);
        logger.LogInformation("Run {RunId}: certification finished in {Seconds:0.0} s.", runId, certified.Seconds);
    }

    async Task EndedAsync(RunEntity run, RunLog log, LeasedRunOutcome outcome)
    {
        switch (outcome.End)
        {
            case LeasedRunEnd.Cancelled:
                log.Write("certification cancelled; the run keeps its earlier metrics");
                Publish(run);
                break;
            case LeasedRunEnd.LeaseLost:
                log.Write(RunStage.Certifying.FailedLine("the lease on the run was lost (the run store was unreachable or another worker took it)"));
                break;
            case LeasedRunEnd.WorkerStopping:
                log.Write("certification stopped: the worker is stopping; it starts again on the next worker");
                break;
            case LeasedRunEnd.Failed when await ExistsAsync(run.Id):
                log.Write(RunStage.Certifying.FailedLine(outcome.Error ?? ""));
                Publish(run);
                break;
        }
    }

    async Task<bool> ExistsAsync(Guid runId)
    {
        try { return await store.GetRunAsync(runId, ct: CancellationToken.None) is not null; }
        catch (Exception) { return true; }
    }

    void Publish(RunEntity run) => events.Publish(RunProgress.From(run) with { Status = RunStatus.Succeeded, At = DateTimeOffset.UtcNow });
}
