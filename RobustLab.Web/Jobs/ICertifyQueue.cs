using RobustLab.Training.Certification;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>What a certification job is asked to do: the sigmas (null: the run's training sigma) and the sizing.</summary>
public sealed record CertifyRequestOptions(IReadOnlyList<double>? Sigmas, int N0, int N, double Alpha, int Images);

/// <summary>
/// Hands certification jobs for succeeded runs to the workers: one <see cref="CertifyRunJob"/> on the run's device queue,
/// and tells whether a run has one in progress. Its states are those of an attack job (<see cref="AttackJobStatus"/>):
/// both are jobs after training that hold the run's lease.
/// </summary>
public interface ICertifyQueue
{
    /// <summary>Enqueues a certification job for a succeeded run and records its job id on the run; returns the job id.</summary>
    Task<string> EnqueueAsync(RunEntity run, CertifyRequestOptions options, CancellationToken ct = default);

    /// <summary>The run's latest certification job when it is queued, running or failed; else null.</summary>
    Task<AttackJobStatus?> StatusAsync(RunEntity run, CancellationToken ct = default);
}
