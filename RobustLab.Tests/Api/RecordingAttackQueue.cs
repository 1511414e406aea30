using System.Collections.Concurrent;
using RobustLab.Training.Attacks;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>
/// An <see cref="IAttackQueue"/> that records what was enqueued (run, queue, attacks) instead of starting jobs. A job it
/// enqueued stays queued until the test moves it on with <see cref="SetState"/>; like the Hangfire queue it records the
/// job id on the run, and only the run's current job counts.
/// </summary>
public sealed class RecordingAttackQueue(IRunStore store) : IAttackQueue
{
    readonly ConcurrentDictionary<Guid, AttackJobStatus> _jobs = new();
    int _count;

    public ConcurrentQueue<(Guid RunId, string Queue, AttackOptions Attacks)> Enqueued { get; } = new();

    public async Task<string> EnqueueAsync(RunEntity run, AttackOptions attacks, CancellationToken ct = default)
    {
        string jobId = "attack-job-" + Interlocked.Increment(ref _count);
        Enqueued.Enqueue((run.Id, run.Queue, attacks));
        _jobs[run.Id] = new AttackJobStatus(jobId, AttackJobState.Queued);
        await store.SetJobIdAsync(run.Id, jobId, ct);
        run.JobId = jobId;
        return jobId;
    }

    public Task<AttackJobStatus?> StatusAsync(RunEntity run, CancellationToken ct = default) =>
        Task.FromResult(_jobs.TryGetValue(run.Id, out var job) && job.JobId == run.JobId ? job : null);

    /// <summary>Moves the run's job to <paramref name="state"/>; null: it succeeded (no status any more).</summary>
    public void SetState(Guid runId, AttackJobState? state, string? error = null)
    {
        if (!_jobs.TryGetValue(runId, out var job)) throw new InvalidOperationException($"run {runId} has no attack job");
        if (state is { } s) _jobs[runId] = job with { State = s, Error = error };
        else _jobs.TryRemove(runId, out _);
    }
}
