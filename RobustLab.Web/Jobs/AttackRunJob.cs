using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.Options;
using RobustLab.Training.Attacks;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The Hangfire job that attacks a run that already succeeded (paper Table 1 after the fact) under the run's lease
/// (<see cref="LeasedRunJob"/>), so two jobs never work on one run at once on any machine: it runs
/// <see cref="RunPipeline.AttackCheckpoint"/> on the run folder the store names (never a path from a request) on the
/// run's own device, and replaces the report in the stored metrics, keeping every other metric. Progress goes to the run
/// log and to <see cref="RunEvents"/>; the run's status stays Succeeded throughout, also when the attacks fail (the error
/// is in the run log and in the job's Failed state, which the run page shows) or are cancelled in this process
/// (<see cref="IRunQueue.CancelAsync"/>). Restartable: a delivery after a worker stopped attacks again from the start.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class AttackRunJob(
    IRunStore store, DatasetCatalog catalog, RunEvents events, LeasedRunJob leased, IOptions<RunExecutionOptions> options,
    ILogger<AttackRunJob> logger)
{
    readonly RunExecutionOptions _options = options.Value;

    /// <param name="runId">The run in the run store.</param>
    /// <param name="attacks">Attack names (<see cref="AttackCatalog.Names"/>), validated when the job was queued.</param>
    /// <param name="samples">K: test images the attacks draw.</param>
    /// <param name="ct">Hangfire's shutdown token: the worker is stopping (the job is delivered again).</param>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("Attack run {0}")]
    public async Task ExecuteAsync(Guid runId, string[] attacks, int samples, CancellationToken ct)
    {
        var run = await store.GetRunAsync(runId, ct: ct);
        if (run is null) { logger.LogWarning("Run {RunId} is not in the run store; no attacks.", runId); return; }
        if (run.Status != RunStatus.Succeeded || run.RunDir is null)
        {
            logger.LogWarning("Run {RunId} is {Status}; only a succeeded run is attacked.", runId, run.Status.Name());
            return;
        }
        string runDir = run.RunDir;
        if (!Directory.Exists(runDir))
        {
            // No run log either: writing one would create an empty run folder on this machine.
            logger.LogWarning("Run {RunId}: its folder {RunDir} is not on this worker; no attacks.", runId, runDir);
            throw new InvalidOperationException($"the run folder {runDir} is not on this worker ({Environment.MachineName}); " +
                "an attack job needs it, on a mount that every worker shares, as training does.");
        }

        var log = new RunLog(runDir, logger);
        var outcome = await leased.RunAsync(runId, LeaseMode.AfterTraining,
            lease => AttackAsync(run, runDir, new AttackOptions { Attacks = attacks, Samples = samples }, log, lease),
            o => EndedAsync(run, log, o), ct);
        // Thrown so that Hangfire records the job as Failed: that is how the run page tells a failed attack job (the run
        // stays Succeeded). A lease held for longer than the wait means another worker is attacking it: never a silent success.
        if (outcome.End == LeasedRunEnd.NotAcquired)
            throw new InvalidOperationException("another worker holds this run (training it or attacking it); try again when it is done.");
        if (outcome.End == LeasedRunEnd.LeaseLost) throw new InvalidOperationException("the lease on the run was lost; attack the run again.");
        if (outcome.End == LeasedRunEnd.Failed) throw new InvalidOperationException(outcome.Error, outcome.Exception);
    }

    async Task AttackAsync(RunEntity run, string runDir, AttackOptions attacks, RunLog log, LeasedRun lease)
    {
        var runId = run.Id;
        log.AttacksStarted(attacks.Attacks, attacks.Samples);
        Publish(run);
        logger.LogInformation("Run {RunId}: attacking with {Attacks} on {Samples} test images ({Device}).",
            runId, string.Join(", ", attacks.Attacks), attacks.Samples, run.Device);

        var sincePublished = Stopwatch.StartNew();
        void OnProgress(AttackProgress p)
        {
            log.Attack(p);
            if (p.Done > 0 && p.Done < p.Total && sincePublished.Elapsed < _options.ProgressInterval) return;
            sincePublished.Restart();
            Publish(run); // the run page reads its log again
        }

        var attacked = await lease.OnOwnThread(token => RunPipeline.AttackCheckpoint(runDir, catalog, attacks, run.Device, OnProgress, token));

        // Read the stored metrics again: they are what the report joins (run.json has it already).
        var current = await lease.Store.CallAsync(s => s.GetRunAsync(runId, ct: CancellationToken.None));
        if (current is null)
        {
            logger.LogWarning("Run {RunId} was deleted while it was attacked; the report is dropped.", runId);
            return;
        }
        var stored = MetricsOf(current) ?? RunFolder.ReadRunJson(runDir).Metrics
            ?? throw new InvalidDataException($"Run {runId} has no metrics to add the attack report to.");
        var metrics = stored with { Attacks = attacked.Report, Timings = stored.Timings.WithStage(RunStage.Attacking, attacked.Seconds) };
        // The log line first: a page that reloads on the change then finds it.
        log.AttacksFinished(attacked.Report);
        await lease.Store.CallAsync(s => s.SetMetricsAsync(runId, metrics, CancellationToken.None));
        Publish(current);
        logger.LogInformation("Run {RunId}: attacks finished ({Attacks}).", runId, string.Join(", ", attacked.Report.Attacks.Select(a => a.Attack)));
    }

    /// <summary>What each ending leaves in the run log (under the lease, before it is released); the run stays Succeeded.</summary>
    async Task EndedAsync(RunEntity run, RunLog log, LeasedRunOutcome outcome)
    {
        switch (outcome.End)
        {
            case LeasedRunEnd.Cancelled:
                log.Write("attacks cancelled; the run keeps its earlier metrics");
                Publish(run);
                logger.LogInformation("Run {RunId}: attacks cancelled.", run.Id);
                break;
            case LeasedRunEnd.LeaseLost:
                log.Write(RunStage.Attacking.FailedLine("the lease on the run was lost (the run store was unreachable or another worker took it)"));
                break;
            case LeasedRunEnd.WorkerStopping:
                // Hangfire delivers the job again; the attacks start over (they keep no state between attempts).
                log.Write("attacks stopped: the worker is stopping; they start again on the next worker");
                break;
            case LeasedRunEnd.Failed when await ExistsAsync(run.Id): // a deleted run's folder is not brought back by its log
                log.Write(RunStage.Attacking.FailedLine(outcome.Error ?? ""));
                Publish(run);
                break;
        }
    }

    async Task<bool> ExistsAsync(Guid runId)
    {
        try { return await store.GetRunAsync(runId, ct: CancellationToken.None) is not null; }
        catch (Exception) { return true; }
    }

    /// <summary>A change of the run for the pages: its row as it is (still Succeeded), stamped now.</summary>
    void Publish(RunEntity run) => events.Publish(RunProgress.From(run) with { Status = RunStatus.Succeeded, At = DateTimeOffset.UtcNow });

    static EvaluationResult? MetricsOf(RunEntity run)
    {
        if (string.IsNullOrWhiteSpace(run.MetricsJson)) return null;
        try { return JsonSerializer.Deserialize<EvaluationResult>(run.MetricsJson, RunJson.Options); }
        catch (JsonException) { return null; }
    }
}
