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
/// The Hangfire job that attacks a run that already succeeded (paper Table 1 after the fact): it takes the run's lease,
/// so two attack jobs for one run never run at once on any machine, runs <see cref="RunPipeline.AttackCheckpoint"/> on
/// the run folder the store names (never a path from a request) on the run's own device, and replaces the report in the
/// stored metrics, keeping every other metric. Progress goes to the run log and to <see cref="RunEvents"/>; the run's
/// status stays Succeeded throughout, also when the attacks fail (the error is in the run log and in the job's Failed
/// state, which the run page shows). Restartable: a delivery after a worker stopped attacks again from the start.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class AttackRunJob(
    IRunStore store, DatasetCatalog catalog, RunEvents events, IOptions<RunExecutionOptions> options, ILogger<AttackRunJob> logger)
{
    readonly RunExecutionOptions _options = options.Value;
    static readonly TimeSpan LeaseWait = TimeSpan.FromSeconds(5);

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

        if (!Directory.Exists(run.RunDir))
        {
            // No run log either: writing one would create an empty run folder on this machine.
            logger.LogWarning("Run {RunId}: its folder {RunDir} is not on this worker; no attacks.", runId, run.RunDir);
            throw new InvalidOperationException($"the run folder {run.RunDir} is not on this worker ({Environment.MachineName}); " +
                "an attack job needs it, on a mount that every worker shares, as training does.");
        }

        string owner = WorkerIdentity.NewOwner();
        // The training job releases the lease just after the run turns Succeeded, so a job queued at once may find it
        // still held: wait a little. Held for longer, another worker is attacking it; the job then ends Failed, never
        // silently Succeeded with nothing stored.
        var waited = Stopwatch.StartNew();
        while (!await store.TryAcquireLeaseAsync(runId, owner, _options.LeaseDuration, ct))
        {
            if (waited.Elapsed >= LeaseWait)
            {
                logger.LogWarning("Run {RunId} is held by another worker; this attack job gives up.", runId);
                throw new InvalidOperationException("another worker holds this run (training it or attacking it); try again when it is done.");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        try
        {
            await AttackLeasedAsync(run, run.RunDir, new AttackOptions { Attacks = attacks, Samples = samples }, owner, ct);
        }
        finally
        {
            try { await store.ReleaseLeaseAsync(runId, owner, CancellationToken.None); }
            catch (Exception e) { logger.LogWarning(e, "Run {RunId}: could not release the lease; it expires by itself.", runId); }
        }
    }

    async Task AttackLeasedAsync(RunEntity run, string runDir, AttackOptions attacks, string owner, CancellationToken shutdown)
    {
        var runId = run.Id;
        var log = new RunLog(runDir, logger);
        using var leaseLost = new CancellationTokenSource();
        using var attacking = CancellationTokenSource.CreateLinkedTokenSource(shutdown, leaseLost.Token);
        var heartbeat = new LeaseHeartbeat(
            renew: t => store.RenewLeaseAsync(runId, owner, _options.LeaseDuration, t),
            isCancelRequested: _ => Task.FromResult(false), // a finished run has nothing to cancel
            _options.EffectiveHeartbeat, _options.LeaseDuration,
            onCancelRequested: () => { }, onLeaseLost: () => TrainRunJob.Cancel(leaseLost), logger);
        var sincePublished = Stopwatch.StartNew();
        try
        {
            log.AttacksStarted(attacks.Attacks, attacks.Samples);
            Publish(run);
            logger.LogInformation("Run {RunId}: attacking with {Attacks} on {Samples} test images ({Device}).",
                runId, string.Join(", ", attacks.Attacks), attacks.Samples, run.Device);

            void OnProgress(AttackProgress p)
            {
                log.Attack(p);
                if (p.Done > 0 && p.Done < p.Total && sincePublished.Elapsed < _options.ProgressInterval) return;
                sincePublished.Restart();
                Publish(run); // the run page reads its log again
            }

            var token = attacking.Token;
            // Attacks block for minutes: a dedicated thread, not one of the thread pool's.
            var report = await Task.Factory.StartNew(
                () => RunPipeline.AttackCheckpoint(runDir, catalog, attacks, run.Device, OnProgress, token),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            // Read the stored metrics again: they are what the report joins (run.json has it already).
            var current = await store.GetRunAsync(runId, ct: CancellationToken.None);
            if (current is null)
            {
                logger.LogWarning("Run {RunId} was deleted while it was attacked; the report is dropped.", runId);
                return;
            }
            var metrics = (MetricsOf(current) ?? RunFolder.ReadRunJson(runDir).Metrics
                ?? throw new InvalidDataException($"Run {runId} has no metrics to add the attack report to.")) with { Attacks = report };
            // The log line first: a page that reloads on the change then finds it.
            log.AttacksFinished(report);
            await store.SetMetricsAsync(runId, metrics, CancellationToken.None);
            Publish(current);
            logger.LogInformation("Run {RunId}: attacks finished ({Attacks}).", runId, string.Join(", ", report.Attacks.Select(a => a.Attack)));
        }
        catch (OperationCanceledException) when (leaseLost.IsCancellationRequested && !shutdown.IsCancellationRequested)
        {
            log.Write("attacks failed: the lease on the run was lost (the run store was unreachable or another worker took it)");
            logger.LogWarning("Run {RunId}: attacks stopped because the lease was lost.", runId);
            throw new InvalidOperationException("the lease on the run was lost; attack the run again.");
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // Hangfire delivers the job again; the attacks start over (they keep no state between attempts).
            log.Write("attacks stopped: the worker is stopping; they start again on the next worker");
            throw;
        }
        catch (Exception e)
        {
            string message = TrainRunJob.FirstLine(e.Message);
            logger.LogError(e, "Run {RunId}: attacks failed: {Message}", runId, message);
            if (await ExistsAsync(runId)) // a deleted run's folder is not brought back by its log
            {
                log.Write("attacks failed: " + message);
                Publish(run);
            }
            // The job ends Failed in Hangfire: that is how the run page tells a failed attack job (the run stays Succeeded).
            throw new InvalidOperationException(message, e);
        }
        finally
        {
            await heartbeat.DisposeAsync();
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
