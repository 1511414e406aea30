using System.Collections.Concurrent;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>
/// An <see cref="IRunQueue"/> that records what was enqueued (run id and queue) instead of starting jobs, and keeps the
/// jobs still waiting (<see cref="Waiting"/>: job id to run id), as Hangfire's queue would until a worker takes them.
/// </summary>
public sealed class RecordingRunQueue(IRunStore store) : IRunQueue
{
    public ConcurrentQueue<(Guid RunId, string Queue)> Enqueued { get; } = new();
    public ConcurrentQueue<Guid> Cancelled { get; } = new();
    public ConcurrentDictionary<string, Guid> Waiting { get; } = new();
    int _jobs;

    public async Task<string> EnqueueAsync(RunEntity run, CancellationToken ct = default)
    {
        Enqueued.Enqueue((run.Id, run.Queue));
        string jobId = "job-" + Interlocked.Increment(ref _jobs);
        Waiting[jobId] = run.Id;
        await store.SetJobIdAsync(run.Id, jobId, ct);
        run.JobId = jobId;
        return jobId;
    }

    public async Task<bool> CancelAsync(Guid runId, CancellationToken ct = default)
    {
        Cancelled.Enqueue(runId);
        return await store.RequestCancelAsync(runId, ct);
    }

    public async Task<RunEntity?> RetryAsync(Guid runId, CancellationToken ct = default)
    {
        var run = await store.ResetForRetryAsync(runId, ct);
        if (run is not null) await EnqueueAsync(run, ct);
        return run;
    }

    public Task<bool> RemoveJobAsync(RunEntity run, CancellationToken ct = default) =>
        Task.FromResult(run.JobId is { } jobId && Waiting.TryRemove(jobId, out _));
}
