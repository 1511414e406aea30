using RobustLab.Training.Attacks;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>Where a run's attack job is: waiting on its queue, attacking on a worker, or failed.</summary>
public enum AttackJobState { Queued, Running, Failed }

/// <summary>A run's latest attack job (<see cref="AttackRunJob"/>): its Hangfire id, its state and, when it failed, why.</summary>
public sealed record AttackJobStatus(string JobId, AttackJobState State, string? Error = null)
{
    /// <summary>Queued or running: a second attack job for the run is refused until this one ends.</summary>
    public bool IsPending => State is AttackJobState.Queued or AttackJobState.Running;
}

/// <summary>
/// Hands attack jobs for succeeded runs to the workers: one <see cref="AttackRunJob"/> on the run's device queue (the
/// queue its training used), and tells whether a run has one in progress.
/// </summary>
public interface IAttackQueue
{
    /// <summary>Enqueues an attack job for a succeeded run and records its job id on the run; returns the job id.</summary>
    Task<string> EnqueueAsync(RunEntity run, AttackOptions attacks, CancellationToken ct = default);

    /// <summary>
    /// The run's latest attack job when it is queued, running or failed; null when the run never had one, when its
    /// latest one succeeded (its report is in the metrics), or when the job engine no longer knows it.
    /// </summary>
    Task<AttackJobStatus?> StatusAsync(RunEntity run, CancellationToken ct = default);
}
