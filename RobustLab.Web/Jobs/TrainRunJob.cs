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
/// The Hangfire job that trains one run under its lease (<see cref="LeasedRunJob"/>): record epochs an earlier attempt
/// finished, train and evaluate with <see cref="RunPipeline.Execute"/> (which resumes from the run folder's state), and
/// write the outcome. Restartable: a second delivery of the same run does nothing while another worker holds it, and
/// nothing once it has finished. Hangfire never retries it (a retry is a user action).
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class TrainRunJob(
    IRunStore store, DatasetCatalog catalog, RunEvents events, LeasedRunJob leased, AfterTrainingChain chain,
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

        RunReporter? reporter = null;
        var outcome = await leased.RunAsync(runId, LeaseMode.Training,
            lease => TrainAsync(lease, started: r => reporter = r),
            o => EndedAsync(run, o, reporter), ct);
        // With the lease released: the certification and corruptions the run asked for, as jobs of their own.
        if (outcome.End == LeasedRunEnd.Completed) await chain.ContinueAsync(runId, done: null);
    }

    /// <summary>Trains the run; hands its reporter to <paramref name="started"/> once there is one.</summary>
    async Task TrainAsync(LeasedRun lease, Action<RunReporter> started)
    {
        var runId = lease.RunId;
        // Read again under the lease: the run may have finished or been cancelled since it was queued.
        var run = await store.GetRunAsync(runId, ct: lease.Token);
        if (run is null || run.Status.IsFinished()) return;
        if (run.CancelRequested)
        {
            if (run.RunDir is { } dir) new RunLog(dir, logger).Status(RunStatus.Cancelled, "cancelled before it started");
            await store.SetStatusAsync(runId, RunStatus.Cancelled, ct: CancellationToken.None);
            events.Publish(RunProgress.From(run) with { Status = RunStatus.Cancelled, At = DateTimeOffset.UtcNow });
            return;
        }

        var config = ReadConfig(run);
        string runDir = run.RunDir ?? throw new InvalidOperationException($"Run {runId} has no run folder in the run store.");
        int epochs = config.Resolve().Epochs;
        var log = new RunLog(runDir, logger);
        var reporter = new RunReporter(lease.Store, events, runId, epochs, _options.ProgressInterval, logger);
        started(reporter);

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
            runId, config.Method.Name(), config.Model, config.Dataset, config.Device, lease.Owner);

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
        var record = await lease.OnOwnThread(token => RunPipeline.Execute(config, catalog, runDir, callbacks, token, evaluation));

        // The log line first: a page that reloads on the status change then finds it.
        log.Status(RunStatus.Succeeded, FormattableString.Invariant(
            $"test accuracy {record.Metrics!.TestAccuracy:F4}, GNR {record.Metrics.Gnr:F4}, GNR mean {record.Metrics.GnrMean:F4}"));
        await reporter.SucceededAsync(record.Metrics!);
        logger.LogInformation("Run {RunId} succeeded: test accuracy {Accuracy:F4}, GNR {Gnr:F4}.",
            runId, record.Metrics!.TestAccuracy, record.Metrics.Gnr);
    }

    /// <summary>What each ending leaves in the run log and the store (under the lease, before it is released).</summary>
    async Task EndedAsync(RunEntity run, LeasedRunOutcome outcome, RunReporter? reporter)
    {
        var log = run.RunDir is { } dir ? new RunLog(dir, logger) : null;
        switch (outcome.End)
        {
            case LeasedRunEnd.Cancelled:
                // The state folder stays, so a retry resumes after the last finished epoch.
                log?.Status(RunStatus.Cancelled);
                await SetStatusAsync(run, RunStatus.Cancelled, null, reporter);
                logger.LogInformation("Run {RunId} cancelled.", run.Id);
                break;
            case LeasedRunEnd.LeaseLost:
                log?.Write("stopped: the lease was lost; the worker that holds it now carries on");
                break;
            case LeasedRunEnd.WorkerStopping:
                // The run stays Running; Hangfire re-queues this job, and the recovery service re-queues the run once its
                // lease has expired, whichever comes first. Training resumes from its state.
                log?.Write("the worker is stopping; the run resumes after its last finished epoch");
                logger.LogInformation("Run {RunId}: worker stopping; the run resumes after its last finished epoch.", run.Id);
                break;
            case LeasedRunEnd.Failed:
                log?.Status(RunStatus.Failed, outcome.Error);
                await SetStatusAsync(run, RunStatus.Failed, outcome.Error, reporter);
                break;
        }
    }

    async Task SetStatusAsync(RunEntity run, RunStatus status, string? error, RunReporter? reporter)
    {
        if (reporter is not null) { await reporter.SetStatusAsync(status, error); return; }
        await store.SetStatusAsync(run.Id, status, error, CancellationToken.None);
        events.Publish(RunProgress.From(run) with { Status = status, Error = error, At = DateTimeOffset.UtcNow });
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
}
