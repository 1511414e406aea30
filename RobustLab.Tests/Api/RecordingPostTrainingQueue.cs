using System.Collections.Concurrent;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>
/// An <see cref="IPostTrainingQueue"/> that records what was enqueued (run, queue, request) instead of starting jobs. A
/// job it enqueued stays queued until the test moves it on with <see cref="SetState"/>; like the Hangfire queue it
/// records the job id on the run, and only the run's current job counts, whatever its kind.
/// </summary>
public sealed class RecordingPostTrainingQueue(IRunStore store) : IPostTrainingQueue
{
    readonly ConcurrentDictionary<Guid, PostTrainingJobStatus> _jobs = new();
    readonly ConcurrentDictionary<PostTrainingJobKind, int> _counts = new();

    public ConcurrentQueue<(Guid RunId, string Queue, PostTrainingRequest Request)> Enqueued { get; } = new();

    /// <summary>The requests of one kind, in order.</summary>
    public IReadOnlyList<(Guid RunId, string Queue, T Request)> Of<T>() where T : PostTrainingRequest =>
        [.. Enqueued.Where(e => e.Request is T).Select(e => (e.RunId, e.Queue, (T)e.Request))];

    public async Task<string> EnqueueAsync(RunEntity run, PostTrainingRequest request, CancellationToken ct = default)
    {
        // "attack-job-1", "certify-job-1", "corrupt-job-1": numbered per kind.
        string jobId = $"{request.Kind.ToString().ToLowerInvariant()}-job-{_counts.AddOrUpdate(request.Kind, 1, (_, n) => n + 1)}";
        Enqueued.Enqueue((run.Id, run.Queue, request));
        _jobs[run.Id] = new PostTrainingJobStatus(jobId, request.Kind, PostTrainingJobState.Queued);
        await store.SetJobIdAsync(run.Id, jobId, ct);
        run.JobId = jobId;
        return jobId;
    }

    public Task<PostTrainingJobStatus?> StatusAsync(RunEntity run, CancellationToken ct = default) =>
        Task.FromResult(_jobs.TryGetValue(run.Id, out var job) && job.JobId == run.JobId ? job : null);

    /// <summary>Moves the run's job to <paramref name="state"/>; null: it succeeded (no status any more).</summary>
    public void SetState(Guid runId, PostTrainingJobState? state, string? error = null)
    {
        if (!_jobs.TryGetValue(runId, out var job)) throw new InvalidOperationException($"run {runId} has no job after training");
        if (state is { } s) _jobs[runId] = job with { State = s, Error = error };
        else _jobs.TryRemove(runId, out _);
    }
}
