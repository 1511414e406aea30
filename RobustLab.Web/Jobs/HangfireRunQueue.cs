using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>The run queue on Hangfire: one <see cref="TrainRunJob"/> per run, on the run's device queue.</summary>
public sealed class HangfireRunQueue(IBackgroundJobClient jobs, IRunStore store, RunCancellation cancellation) : IRunQueue
{
    public async Task<string> EnqueueAsync(RunEntity run, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var runId = run.Id;
        // Hangfire substitutes its own token (server shutdown) for CancellationToken.None when it performs the job.
        string jobId = jobs.Create(Job.FromExpression<TrainRunJob>(job => job.ExecuteAsync(runId, CancellationToken.None)),
            new EnqueuedState(run.Queue));
        await store.SetJobIdAsync(runId, jobId, ct);
        run.JobId = jobId;
        return jobId;
    }

    public async Task<bool> CancelAsync(Guid runId, CancellationToken ct = default)
    {
        if (!await store.RequestCancelAsync(runId, ct)) return false;
        cancellation.Cancel(runId);
        return true;
    }

    public async Task<RunEntity?> RetryAsync(Guid runId, CancellationToken ct = default)
    {
        var run = await store.ResetForRetryAsync(runId, ct);
        if (run is null) return null;
        await EnqueueAsync(run, ct);
        return run;
    }

    public Task<bool> RemoveJobAsync(RunEntity run, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (string.IsNullOrEmpty(run.JobId)) return Task.FromResult(false);
        // Only from Enqueued: a job a worker already took is left to find no run and do nothing (TrainRunJob), and the
        // history of finished jobs stays as it was.
        return Task.FromResult(jobs.ChangeState(run.JobId, new DeletedState(), EnqueuedState.StateName));
    }
}
