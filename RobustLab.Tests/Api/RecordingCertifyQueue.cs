using System.Collections.Concurrent;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>
/// An <see cref="ICertifyQueue"/> that records what was enqueued instead of starting jobs; a job stays queued until the
/// test moves it on with <see cref="SetState"/>. Like the Hangfire queue it records the job id on the run.
/// </summary>
public sealed class RecordingCertifyQueue(IRunStore store) : ICertifyQueue
{
    readonly ConcurrentDictionary<Guid, AttackJobStatus> _jobs = new();
    int _count;

    public ConcurrentQueue<(Guid RunId, string Queue, CertifyRequestOptions Options)> Enqueued { get; } = new();

    public async Task<string> EnqueueAsync(RunEntity run, CertifyRequestOptions options, CancellationToken ct = default)
    {
        string jobId = "certify-job-" + Interlocked.Increment(ref _count);
        Enqueued.Enqueue((run.Id, run.Queue, options));
        _jobs[run.Id] = new AttackJobStatus(jobId, AttackJobState.Queued);
        await store.SetJobIdAsync(run.Id, jobId, ct);
        run.JobId = jobId;
        return jobId;
    }

    public Task<AttackJobStatus?> StatusAsync(RunEntity run, CancellationToken ct = default) =>
        Task.FromResult(_jobs.TryGetValue(run.Id, out var job) && job.JobId == run.JobId ? job : null);

    /// <summary>Moves the run's job to <paramref name="state"/>; null: it succeeded (no status any more).</summary>
    public void SetState(Guid runId, AttackJobState? state)
    {
        if (!_jobs.TryGetValue(runId, out var job)) throw new InvalidOperationException($"run {runId} has no certification job");
        if (state is { } s) _jobs[runId] = job with { State = s };
        else _jobs.TryRemove(runId, out _);
    }
}
