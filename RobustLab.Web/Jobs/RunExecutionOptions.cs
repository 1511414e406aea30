using RobustLab.Training.Evaluation;

namespace RobustLab.Web.Jobs;

/// <summary>
/// "Runs": how a worker holds and reports a run. The lease is what keeps a run on one worker: the worker renews it
/// every <see cref="EffectiveHeartbeat"/>; a worker that dies stops renewing, the lease expires after
/// <see cref="LeaseDuration"/>, and the recovery service re-queues the run.
/// </summary>
public sealed class RunExecutionOptions
{
    public const string Section = "Runs";

    /// <summary>How long a lease lives without renewal; a dead worker's run is taken over this long after its last heartbeat.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a worker renews its lease and checks for a cancel; default LeaseDuration / 4, within [1 s, 5 s].</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>How often the recovery service looks for runs whose worker died.</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often <c>serve</c> polls the run store for progress written by remote workers.</summary>
    public TimeSpan RemotePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most often a worker writes in-epoch progress to the run store.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Evaluation settings for every run (GNR steps, moment-gap sample sizes); the seed is always the run's own.</summary>
    public EvaluationOptions? Evaluation { get; set; }

    public TimeSpan EffectiveHeartbeat =>
        HeartbeatInterval ?? TimeSpan.FromTicks(Math.Clamp(LeaseDuration.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromSeconds(5).Ticks));

    /// <summary>Problems with these options, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (LeaseDuration <= TimeSpan.Zero) errors.Add($"Runs:LeaseDuration must be > 0 (got {LeaseDuration}).");
        if (EffectiveHeartbeat <= TimeSpan.Zero || EffectiveHeartbeat >= LeaseDuration)
            errors.Add($"Runs:HeartbeatInterval must be > 0 and shorter than Runs:LeaseDuration ({LeaseDuration}) (got {EffectiveHeartbeat}).");
        if (RecoveryInterval <= TimeSpan.Zero) errors.Add($"Runs:RecoveryInterval must be > 0 (got {RecoveryInterval}).");
        if (RemotePollInterval <= TimeSpan.Zero) errors.Add($"Runs:RemotePollInterval must be > 0 (got {RemotePollInterval}).");
        if (ProgressInterval < TimeSpan.Zero) errors.Add($"Runs:ProgressInterval must be >= 0 (got {ProgressInterval}).");
        return errors;
    }
}
