using System.ComponentModel;
using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.Options;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The Hangfire job that trains one run: take the run's lease (or leave it to the worker that holds it), keep the lease
/// alive with a heartbeat, record epochs an earlier attempt finished, train and evaluate with
/// <see cref="RunPipeline.Execute"/> (which resumes from the run folder's state), and write the outcome. Restartable:
/// a second delivery of the same run does nothing while another worker holds it, and nothing once it has finished.
/// Hangfire never retries it (a retry is a user action).
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class TrainRunJob(
    IRunStore store, DatasetCatalog catalog, RunEvents events, RunCancellation cancellation,
    IOptions<RunExecutionOptions> options, ILogger<TrainRunJob> logger)
{
    readonly RunExecutionOptions _options = options.Value;

    /// <param name="runId">The run in the run store.</param>
    /// <param name="ct">Hangfire's shutdown token: the worker is stopping (the run stays Running and is taken up again).</param>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("Train run {0}")]
    public async Task ExecuteAsync(Guid runId, CancellationToken ct)
    {
        var run = await store.GetRunAsync(runId, ct: ct);
        if (run is null) { logger.LogWarning("Run {RunId} is not in the run store; nothing to do.", runId); return; }
        if (run.Status.IsFinished()) { logger.LogInformation("Run {RunId} is already {Status}; nothing to do.", runId, run.Status.Name()); return; }

        string owner = WorkerIdentity.NewOwner();
        if (!await store.TryAcquireLeaseAsync(runId, owner, _options.LeaseDuration, ct))
        {
            logger.LogInformation("Run {RunId} is held by another worker; this delivery does nothing.", runId);
            return;
        }
        try
        {
            await ExecuteLeasedAsync(runId, owner, ct);
        }
        finally
        {
            try { await store.ReleaseLeaseAsync(runId, owner, CancellationToken.None); }
            catch (Exception e) { logger.LogWarning(e, "Run {RunId}: could not release the lease; it expires by itself.", runId); }
        }
    }

    async Task ExecuteLeasedAsync(Guid runId, string owner, CancellationToken shutdown)
    {
        // Read again under the lease: the run may have finished or been cancelled since it was queued.
        var run = await store.GetRunAsync(runId, ct: shutdown);
        if (run is null || run.Status.IsFinished()) return;
        if (run.CancelRequested)
        {
            if (run.RunDir is { } dir) new RunLog(dir, logger).Status(RunStatus.Cancelled, "cancelled before it started");
            await store.SetStatusAsync(runId, RunStatus.Cancelled, ct: CancellationToken.None);
            events.Publish(RunProgress.From(run) with { Status = RunStatus.Cancelled, At = DateTimeOffset.UtcNow });
            return;
        }

        TrainingOptions config;
        string runDir;
        try
        {
            config = ReadConfig(run);
            runDir = run.RunDir ?? throw new InvalidOperationException($"Run {runId} has no run folder in the run store.");
        }
        catch (Exception e)
        {
            await FailAsync(run, e);
            return;
        }

        int epochs = config.Resolve().Epochs;
        var log = new RunLog(runDir, logger);
        using var reporter = new RunReporter(store, events, runId, epochs, _options.ProgressInterval, logger);
        using var userCancel = new CancellationTokenSource();
        using var leaseLost = new CancellationTokenSource();
        using var training = CancellationTokenSource.CreateLinkedTokenSource(shutdown, userCancel.Token, leaseLost.Token);
        using var registration = cancellation.Register(runId, userCancel);
        var heartbeat = new LeaseHeartbeat(
            renew: t => reporter.WithStoreAsync(s => s.RenewLeaseAsync(runId, owner, _options.LeaseDuration, t), t),
            isCancelRequested: t => reporter.WithStoreAsync(s => s.IsCancelRequestedAsync(runId, t), t),
            _options.EffectiveHeartbeat, _options.LeaseDuration,
            onCancelRequested: () => Cancel(userCancel), onLeaseLost: () => Cancel(leaseLost), logger);
        try
        {
            if (TryAdoptFinishedFolder(runDir) is { } finished)
            {
                // The run finished before its worker could record it (crash after the last write to the run folder).
                await reporter.BackfillAsync(finished.Epochs);
                log.Status(RunStatus.Succeeded, "the run folder already held the finished run");
                await reporter.SucceededAsync(finished.Metrics!);
                return;
            }
            var resumed = ResumeState.TryRead(Path.Combine(runDir, RunPipeline.StateFolder))?.Reports ?? [];
            await reporter.BackfillAsync(resumed);
            log.Status(RunStatus.Running, $"training {config.Method.Name()} {config.Model} on {config.Dataset} ({config.Device}), " +
                $"{epochs} epochs" + (resumed.Count > 0 ? $", resuming after epoch {resumed[^1].Epoch}" : ""));
            await reporter.SetStatusAsync(RunStatus.Running);
            logger.LogInformation("Run {RunId}: training {Method} {Model} on {Dataset} ({Device}) as {Owner}.",
                runId, config.Method.Name(), config.Model, config.Dataset, config.Device, owner);

            var callbacks = new RunCallbacks(
                r => { log.Epoch(r); reporter.OnEpoch(r); }, reporter.OnBatch,
                stage =>
                {
                    if (stage == RunStage.Evaluating) log.Status(RunStatus.Evaluating);
                    if (stage == RunStage.Attacking) log.AttacksStarted(config.Attacks, config.AttackSamples);
                    reporter.OnStage(stage);
                },
                a => { log.Attack(a); reporter.OnAttack(a); },
                (stage, message) => log.Write(stage.FailedLine(message)));
            var evaluation = _options.Evaluation is { } e ? e with { Seed = config.Seed } : null;
            var token = training.Token;
            // Training blocks for minutes to hours: a dedicated thread, not one of the thread pool's.
            var record = await Task.Factory.StartNew(
                () => RunPipeline.Execute(config, catalog, runDir, callbacks, token, evaluation),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            // The log line first: a page that reloads on the status change then finds it.
            log.Status(RunStatus.Succeeded, FormattableString.Invariant(
                $"test accuracy {record.Metrics!.TestAccuracy:F4}, GNR {record.Metrics.Gnr:F4}, GNR mean {record.Metrics.GnrMean:F4}"));
            await reporter.SucceededAsync(record.Metrics!);
            logger.LogInformation("Run {RunId} succeeded: test accuracy {Accuracy:F4}, GNR {Gnr:F4}.",
                runId, record.Metrics!.TestAccuracy, record.Metrics.Gnr);
        }
        catch (OperationCanceledException) when (userCancel.IsCancellationRequested)
        {
            // The state folder stays, so a retry resumes after the last finished epoch.
            log.Status(RunStatus.Cancelled);
            await reporter.SetStatusAsync(RunStatus.Cancelled);
            logger.LogInformation("Run {RunId} cancelled.", runId);
        }
        catch (OperationCanceledException) when (leaseLost.IsCancellationRequested)
        {
            log.Write("stopped: the lease was lost; the worker that holds it now carries on");
            logger.LogWarning("Run {RunId}: stopped because the lease was lost; the worker that holds it now carries on.", runId);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // The worker is stopping. The run stays Running; Hangfire re-queues this job, and the recovery service
            // re-queues the run once its lease has expired, whichever comes first. Training resumes from its state.
            log.Write("the worker is stopping; the run resumes after its last finished epoch");
            logger.LogInformation("Run {RunId}: worker stopping; the run resumes after its last finished epoch.", runId);
            throw;
        }
        catch (Exception e)
        {
            await FailAsync(run, e, reporter);
        }
        finally
        {
            await heartbeat.DisposeAsync();
        }
    }

    async Task FailAsync(RunEntity run, Exception e, RunReporter? reporter = null)
    {
        string message = FirstLine(e.Message);
        logger.LogError(e, "Run {RunId} failed: {Message}", run.Id, message);
        if (run.RunDir is { } dir) new RunLog(dir, logger).Status(RunStatus.Failed, message);
        if (reporter is not null) await reporter.SetStatusAsync(RunStatus.Failed, message);
        else
        {
            await store.SetStatusAsync(run.Id, RunStatus.Failed, message, CancellationToken.None);
            events.Publish(RunProgress.From(run) with { Status = RunStatus.Failed, Error = message, At = DateTimeOffset.UtcNow });
        }
    }

    /// <summary>The run's configuration as stored (<see cref="RunEntity.ConfigJson"/>).</summary>
    public static TrainingOptions ReadConfig(RunEntity run)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingOptions>(run.ConfigJson, RunJson.Options)
                ?? throw new InvalidDataException("the configuration is null");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"Run {run.Id}: its stored configuration cannot be read ({e.Message}).", e);
        }
    }

    /// <summary>A run folder whose run finished (weights, metrics, no resume state), or null.</summary>
    static RunRecord? TryAdoptFinishedFolder(string runDir)
    {
        if (Directory.Exists(Path.Combine(runDir, RunPipeline.StateFolder))) return null;
        if (!File.Exists(Path.Combine(runDir, RunFolder.ModelDatFile)) || !File.Exists(Path.Combine(runDir, RunFolder.RunJsonFile))) return null;
        try
        {
            var record = RunFolder.ReadRunJson(runDir);
            return record.Metrics is not null && record.FinishedAt is not null ? record : null;
        }
        catch (InvalidDataException) { return null; }
    }

    internal static void Cancel(CancellationTokenSource cts)
    {
        try { cts.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>The first line of an error message, at most 1,000 characters: what the run log and the store keep.</summary>
    internal static string FirstLine(string message)
    {
        string line = message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return line.Length > 1000 ? line[..1000] + "..." : line;
    }
}
