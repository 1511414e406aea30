namespace RobustLab.Web.Jobs;

/// <summary>Where a run's job after training is: waiting on its queue, working on a worker, or failed.</summary>
public enum PostTrainingJobState { Queued, Running, Failed }

/// <summary>
/// A run's latest job after training (<see cref="PostTrainingJob"/>): its Hangfire id, its kind, its state and, when it
/// failed, why.
/// </summary>
public sealed record PostTrainingJobStatus(string JobId, PostTrainingJobKind Kind, PostTrainingJobState State, string? Error = null)
{
    /// <summary>Queued or running: any second job after training for the run is refused until this one ends (they share the lease and the job id).</summary>
    public bool IsPending => State is PostTrainingJobState.Queued or PostTrainingJobState.Running;

    /// <summary>"queued" or "running" or "failed".</summary>
    public string StateName => State.ToString().ToLowerInvariant();
}
