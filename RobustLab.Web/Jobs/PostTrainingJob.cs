using System.Diagnostics;
using Microsoft.Extensions.Options;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>One job after training at work: the run as it was read, its folder, its log and the lease it holds.</summary>
public sealed record PostTrainingWork(RunEntity Run, string RunDir, RunLog Log, LeasedRun Lease);

/// <summary>
/// What every job after training shares (<see cref="AttackRunJob"/>, <see cref="CertifyRunJob"/>,
/// <see cref="CorruptRunJob"/>): it works on a run that already succeeded, in the run folder the store names (never a
/// path from a request), on the run's own device, under the run's lease (<see cref="LeasedRunJob"/>), so two jobs never
/// work on one run at once on any machine. With an artifact store (<see cref="RunArtifacts"/>) any worker can take the
/// job: the run's files are pulled into its work folder under the lease, and what the job changed (run.json, the
/// certification CSVs, the log) is pushed before the metrics are stored. The run stays Succeeded throughout: a failure is in the run log and in the
/// job's Failed state (which the run page shows), a cancel (<see cref="IRunQueue.CancelAsync"/>) stops the work and
/// keeps the earlier metrics. Each ending is mapped to an exception here so that Hangfire records the job as Failed:
/// never a silent success. Restartable: a delivery after a worker stopped starts the work over.
/// </summary>
public abstract class PostTrainingJob(
    IRunStore store, RunEvents events, LeasedRunJob leased, AfterTrainingChain chain, RunArtifacts artifacts,
    IOptions<RunExecutionOptions> options, ILogger logger)
{
    protected RunArtifacts Artifacts { get; } = artifacts;
    protected readonly RunExecutionOptions Options = options.Value;
    protected ILogger Logger { get; } = logger;
    protected IRunStore Store { get; } = store;

    protected abstract PostTrainingJobKind Kind { get; }

    /// <summary>
    /// Loads the run, checks it succeeded and that its files are here (or in the artifact store), and does
    /// <paramref name="work"/> under its lease, on the files pulled from the store.
    /// </summary>
    protected async Task RunAsync(Guid runId, Func<PostTrainingWork, Task> work, CancellationToken ct)
    {
        string noun = Kind.Noun();
        var run = await Store.GetRunAsync(runId, ct: ct);
        if (run is null) { Logger.LogWarning("Run {RunId} is not in the run store; no {Kind} job.", runId, noun); return; }
        if (run.Status != RunStatus.Succeeded || run.RunDir is null)
        {
            Logger.LogWarning("Run {RunId} is {Status}; only a succeeded run has {Kind} jobs.", runId, run.Status.Name(), noun);
            return;
        }
        string runDir = Artifacts.WorkDir(run)!;
        if (!Artifacts.InStore && !Directory.Exists(runDir))
        {
            // No run log either: writing one would create an empty run folder on this machine.
            Logger.LogWarning("Run {RunId}: its folder {RunDir} is not on this worker; no {Kind} job.", runId, runDir, noun);
            throw new InvalidOperationException($"the run folder {runDir} is not on this worker ({Environment.MachineName}); " +
                $"{Kind.WithArticle()} job needs it, on a mount that every worker shares, as training does.");
        }

        var log = new RunLog(runDir, Logger);
        var outcome = await leased.RunAsync(runId, LeaseMode.AfterTraining,
            async lease =>
            {
                await PullAsync(run, lease.Token);
                await work(new PostTrainingWork(run, runDir, log, lease));
            },
            o => EndedAsync(run, log, o), ct);
        // A lease held for longer than the wait means another worker is working on the run.
        if (outcome.End == LeasedRunEnd.NotAcquired)
            throw new InvalidOperationException("another worker holds this run (training it or running a job after training on it); try again when it is done.");
        if (outcome.End == LeasedRunEnd.LeaseLost) throw new InvalidOperationException($"the lease on the run was lost; {Kind.Again()}.");
        if (outcome.End == LeasedRunEnd.Failed) throw new InvalidOperationException(outcome.Error, outcome.Exception);
        if (outcome.End == LeasedRunEnd.Completed) await CompletedAsync(run);
    }

    /// <summary>The run's files from the store into the work folder (the store is the truth); a run with no stored checkpoint is refused.</summary>
    async Task PullAsync(RunEntity run, CancellationToken ct)
    {
        if (!Artifacts.InStore) return;
        var stored = await Artifacts.PullAsync(run, ct);
        if (!stored.Any(a => a.Name == RunFolder.ModelDatFile))
            throw new InvalidOperationException($"run {run.Id} has no {RunFolder.ModelDatFile} in the artifact store; " +
                $"{Kind.WithArticle()} job needs the trained weights (was the run trained before the store was set up?).");
    }

    /// <summary>After the work completed and the lease was released: the run's plan after training goes on (<see cref="AfterTrainingPlan"/>).</summary>
    Task CompletedAsync(RunEntity run) => chain.ContinueAsync(run.Id, Kind);

    /// <summary>
    /// Stores the metrics the job changed: the stored ones (what the results join; run.json has the change already) or
    /// <paramref name="fallback"/>, changed by <paramref name="change"/>. The finished line goes to the log first, so a
    /// page that reloads on the change finds it. Null when the run was deleted meanwhile (the results are dropped).
    /// </summary>
    protected async Task<EvaluationResult?> SaveMetricsAsync(PostTrainingWork w, EvaluationResult? fallback,
        Func<EvaluationResult, EvaluationResult> change, string finishedLine)
    {
        var runId = w.Run.Id;
        var current = await w.Lease.Store.CallAsync(s => s.GetRunAsync(runId, ct: CancellationToken.None));
        if (current is null)
        {
            Logger.LogWarning("Run {RunId} was deleted while the {Kind} job worked on it; the results are dropped.", runId, Kind.Noun());
            return null;
        }
        var stored = current.ReadMetrics() ?? fallback ?? RunFolder.ReadRunJson(w.RunDir).Metrics
            ?? throw new InvalidDataException($"Run {runId} has no metrics to add the {Kind.Work()} to.");
        var metrics = change(stored);
        w.Log.Write(finishedLine);
        // The files first: stored metrics always have their CSVs and run.json in the artifact store.
        await Artifacts.PushChangedAsync(w.Run, CancellationToken.None);
        await w.Lease.Store.CallAsync(s => s.SetMetricsAsync(runId, metrics, CancellationToken.None));
        Publish(current);
        Logger.LogInformation("Run {RunId}: {Work} finished.", runId, Kind.Work());
        return metrics;
    }

    /// <summary>
    /// A progress callback that writes a line and tells the pages at most once per progress interval, and always for the
    /// last report (<paramref name="last"/>): a report comes with every batch.
    /// </summary>
    protected Action<T> Progress<T>(RunEntity run, Func<T, bool> last, Action<T> write)
    {
        var sincePublished = Stopwatch.StartNew();
        return p =>
        {
            if (!last(p) && sincePublished.Elapsed < Options.ProgressInterval) return;
            sincePublished.Restart();
            write(p);
            Publish(run); // the run page reads its log again
        };
    }

    /// <summary>What each ending leaves in the run log (under the lease, before it is released); the run stays Succeeded.</summary>
    async Task EndedAsync(RunEntity run, RunLog log, LeasedRunOutcome outcome)
    {
        switch (outcome.End)
        {
            case LeasedRunEnd.Cancelled:
                log.Write($"{Kind.Work()} cancelled; the run keeps its earlier metrics");
                Publish(run);
                Logger.LogInformation("Run {RunId}: {Work} cancelled.", run.Id, Kind.Work());
                break;
            case LeasedRunEnd.LeaseLost:
                log.Write(Kind.Stage().FailedLine("the lease on the run was lost (the run store was unreachable or another worker took it)"));
                break;
            case LeasedRunEnd.WorkerStopping:
                // Hangfire delivers the job again; the work starts over (it keeps no state between attempts).
                log.Write($"{Kind.Work()} stopped: the worker is stopping; the job starts again on the next worker");
                break;
            case LeasedRunEnd.Failed when await ExistsAsync(run.Id): // a deleted run's folder is not brought back by its log
                log.Write(Kind.Stage().FailedLine(outcome.Error ?? ""));
                await PushLogAsync(run);
                Publish(run);
                break;
        }
        if (outcome.End is LeasedRunEnd.Cancelled or LeasedRunEnd.WorkerStopping) await PushLogAsync(run);
    }

    /// <summary>The log lines of an ending, into the store while the lease is held; never fails the ending.</summary>
    async Task PushLogAsync(RunEntity run)
    {
        try { await Artifacts.PushAsync(run, [RunLog.FileName], CancellationToken.None); }
        catch (Exception e) { Logger.LogWarning(e, "Run {RunId}: could not store its log.", run.Id); }
    }

    async Task<bool> ExistsAsync(Guid runId)
    {
        try { return await Store.GetRunAsync(runId, ct: CancellationToken.None) is not null; }
        catch (Exception) { return true; }
    }

    /// <summary>A change of the run for the pages: its row as it is (still Succeeded), stamped now.</summary>
    protected void Publish(RunEntity run) => events.Publish(RunProgress.From(run) with { Status = RunStatus.Succeeded, At = DateTimeOffset.UtcNow });
}
