using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// Hands jobs after training (attacks, certification, corruptions) for succeeded runs to the workers: one job on the
/// run's device queue (the queue its training used), and tells which one a run has in progress.
/// </summary>
public interface IPostTrainingQueue
{
    /// <summary>Enqueues the job for <paramref name="request"/> and records its id on the run; returns the id.</summary>
    Task<string> EnqueueAsync(RunEntity run, PostTrainingRequest request, CancellationToken ct = default);

    /// <summary>
    /// The run's latest job after training, of any kind, when it is queued, running or failed; null when the run never
    /// had one, when its latest one succeeded (its results are in the metrics), or when the job engine no longer knows it.
    /// </summary>
    Task<PostTrainingJobStatus?> StatusAsync(RunEntity run, CancellationToken ct = default);
}
