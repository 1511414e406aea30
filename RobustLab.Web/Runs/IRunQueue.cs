namespace RobustLab.Web.Runs;

/// <summary>
/// Hands runs to the workers. A run lands on the queue named by <see cref="RunEntity.Queue"/> (cpu, cuda0, cuda1, ...)
/// and is trained by a worker serving that queue, in this process or another (Jobs.HangfireRunQueue). The interface
/// lives with the runs so that the run actions and submission, which only need to hand a run over, do not depend on
/// the job engine.
/// </summary>
public interface IRunQueue
{
    /// <summary>Enqueues a job for a stored, queued run and records the job id on the run; returns the job id.</summary>
    Task<string> EnqueueAsync(RunEntity run, CancellationToken ct = default);

    /// <summary>
    /// Cancels a run: queued runs end Cancelled at once, running ones stop within a batch (at once when they run in this
    /// process, within a heartbeat on another machine). False if the run is unknown.
    /// </summary>
    Task<bool> CancelAsync(Guid runId, CancellationToken ct = default);

    /// <summary>Puts a failed or cancelled run back on its queue (it resumes after its last finished epoch). Null if unknown or not retryable.</summary>
    Task<RunEntity?> RetryAsync(Guid runId, CancellationToken ct = default);

    /// <summary>
    /// Removes the job of a deleted run (<see cref="RunEntity.JobId"/>) while it still waits on its queue, so no worker
    /// takes it. A job a worker already took finds no run in the store and does nothing. False when there was no waiting job.
    /// </summary>
    Task<bool> RemoveJobAsync(RunEntity run, CancellationToken ct = default);
}
