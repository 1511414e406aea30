using System.ComponentModel;
using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.Options;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The Hangfire job that trains one run under its lease (<see cref="LeasedRunJob"/>): record epochs an earlier attempt
/// finished, train and evaluate with <see cref="RunPipeline.Execute"/> (which resumes from the run folder's state), and
/// write the outcome. With an artifact store (<see cref="RunArtifacts"/>) the run folder is this worker's work folder:
/// pulled from the store before training, its state pushed after every epoch before the epoch is recorded (so an epoch
/// in the run store always has its state in the artifact store, and a worker that takes over never trains it again),
/// and the finished files pushed before the run is marked Succeeded. Restartable: a second delivery of the same run does nothing while another worker holds it, and
/// nothing once it has finished. Hangfire never retries it (a retry is a user action).
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class TrainRunJob(
    IRunStore store, DatasetCatalog catalog, RunEvents events, LeasedRunJob leased, AfterTrainingChain chain,
    RunArtifacts artifacts, IOptions<RunExecutionOptions> options, ILogger<TrainRunJob> logger)
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
        string runDir = artifacts.WorkDir(run) ?? throw new InvalidOperationException($"Run {runId} has no run folder in the run store.");
        // The store is the truth: this worker's folder gets the state (and the log) the last worker left there.
        await artifacts.PullAsync(run, lease.Token);
        var log = new RunLog(runDir, logger);
        if (run.CancelRequested)
        {
            log.Status(RunStatus.Cancelled, "cancelled before it started");
            await artifacts.PushAsync(run, [RunLog.FileName], lease.Token);
            await store.SetStatusAsync(runId, RunStatus.Cancelled, ct: CancellationToken.None);
            events.Publish(RunProgress.From(run) with { Status = RunStatus.Cancelled, At = DateTimeOffset.UtcNow });
            return;
        }

        var config = ReadConfig(run);
        int epochs = config.Resolve().Epochs;
        var reporter = new RunReporter(lease.Store, events, runId, epochs, _options.ProgressInterval, logger);
        started(reporter);

        if (TryAdoptFinishedFolder(runDir) is { } finished)
        {
            // The run finished before its worker could record it (crash after the last write to the run folder or push).
            await reporter.BackfillAsync(finished.Epochs);
            log.Status(RunStatus.Succeeded, "the run folder already held the finished run");
            await artifacts.PushAsync(run, [RunLog.FileName], lease.Token);
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

        await artifacts.PushAsync(run, [RunLog.FileName], lease.Token);

        var callbacks = new RunCallbacks(
            r =>
            {
                log.Epoch(r);
                // The trainer wrote the state and run.json; they are stored before the epoch is recorded.
                PushEpochAsync(run, r.Epoch, lease.Token).GetAwaiter().GetResult();
                reporter.OnEpoch(r);
            },
            reporter.OnBatch,
            stage =>
            {
                if (stage == RunStage.Evaluating) log.Status(RunStatus.Evaluating);
                if (stage == RunStage.Attacking) log.AttacksStarted(config.Attacks, config.AttackSamples);
                if (stage is RunStage.Evaluating or RunStage.Attacking) PushLogAsync(run).GetAwaiter().GetResult(); // pages elsewhere see the stage
                reporter.OnStage(stage);
            },
            a => { log.Attack(a); reporter.OnAttack(a); },
            (stage, message) => log.Write(stage.FailedLine(message)));
        var evaluation = _options.Evaluation is { } e ? e with { Seed = config.Seed } : null;
        var record = await lease.OnOwnThread(token => RunPipeline.Execute(config, catalog, runDir, callbacks, token, evaluation));

        // The log line first: a page that reloads on the status change then finds it.
        log.Status(RunStatus.Succeeded, FormattableString.Invariant(
            $"test accuracy {record.Metrics!.TestAccuracy:F4}, GNR {record.Metrics.Gnr:F4}, GNR mean {record.Metrics.GnrMean:F4}"));
        // The finished files are stored, then the state goes (the finished files alone mark a finished run).
        await artifacts.PushAsync(run, FinishedFiles, CancellationToken.None);
        await artifacts.PushStateAsync(run, CancellationToken.None);
        await reporter.SucceededAsync(record.Metrics!);
        logger.LogInformation("Run {RunId} succeeded: test accuracy {Accuracy:F4}, GNR {Gnr:F4}.",
            runId, record.Metrics!.TestAccuracy, record.Metrics.Gnr);
    }

    /// <summary>What a finished run stores: the weights in both formats, run.json and the log.</summary>
    static readonly string[] FinishedFiles = [RunFolder.ModelDatFile, RunFolder.SafetensorsFile, RunFolder.RunJsonFile, RunLog.FileName];

    /// <summary>The epoch's resume state, then run.json and the log, into the store; a few tries before the run fails.</summary>
    async Task PushEpochAsync(RunEntity run, int epoch, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await artifacts.PushStateAsync(run, ct);
                await artifacts.PushAsync(run, [RunFolder.RunJsonFile, RunLog.FileName], ct);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException and not ArtifactCorruptException && attempt < 3)
            {
                logger.LogWarning(e, "Run {RunId}: storing the state of epoch {Epoch} failed (try {Attempt} of 3).", run.Id, epoch, attempt);
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
            }
        }
    }

    /// <summary>What each ending leaves in the run log and the store (under the lease, before it is released).</summary>
    async Task EndedAsync(RunEntity run, LeasedRunOutcome outcome, RunReporter? reporter)
    {
        var log = artifacts.WorkDir(run) is { } dir ? new RunLog(dir, logger) : null;
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
        // The lines just written, while the lease is held (a lost lease belongs to another worker, which writes its own).
        if (outcome.End is not (LeasedRunEnd.LeaseLost or LeasedRunEnd.NotAcquired)) await PushLogAsync(run);
    }

    async Task PushLogAsync(RunEntity run)
    {
        try { await artifacts.PushAsync(run, [RunLog.FileName], CancellationToken.None); }
        catch (Exception e) { logger.LogWarning(e, "Run {RunId}: could not store its log.", run.Id); }
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
