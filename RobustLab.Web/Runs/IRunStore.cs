using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Runs;

/// <summary>Filters for listing runs; null means any.</summary>
public sealed record RunFilter(
    string? Dataset = null, string? Model = null, TrainingMethod? Method = null, RunStatus? Status = null, Guid? SweepId = null,
    int Skip = 0, int Take = 500);

/// <summary>
/// The run store (EF Core on SQLite, PostgreSQL or SQL Server). The API and the dashboard create and read runs; workers
/// hold a run through a lease that they renew while training, so no run executes on two workers at once.
/// </summary>
public interface IRunStore
{
    // Submission and reading (API, dashboard, sweeps).
    /// <summary>Stores a queued run: assigns Id, RunDir (under the data folder), Queue (from the device) and ConfigKey.</summary>
    Task<RunEntity> CreateRunAsync(TrainingOptions options, Guid? sweepId = null, CancellationToken ct = default);
    Task<SweepEntity> CreateSweepAsync(SweepEntity sweep, CancellationToken ct = default);
    Task<RunEntity?> GetRunAsync(Guid id, bool withEpochs = false, CancellationToken ct = default);
    Task<IReadOnlyList<RunEntity>> ListRunsAsync(RunFilter filter, CancellationToken ct = default);
    Task<SweepEntity?> GetSweepAsync(Guid id, CancellationToken ct = default);
    /// <summary>The newest succeeded run with this configuration key, if any (sweeps reuse it instead of training again).</summary>
    Task<RunEntity?> FindSucceededAsync(string configKey, CancellationToken ct = default);
    /// <summary>Runs whose row changed after <paramref name="since"/> (the dashboard polls this for remote workers' progress).</summary>
    Task<IReadOnlyList<RunEntity>> ChangedSinceAsync(DateTimeOffset since, CancellationToken ct = default);

    // User actions.
    /// <summary>Queued runs become Cancelled at once; running ones get CancelRequested and stop within a batch. False if unknown.</summary>
    Task<bool> RequestCancelAsync(Guid id, CancellationToken ct = default);
    /// <summary>A failed or cancelled run goes back to Queued (error cleared, attempts kept). Null if unknown or not retryable.</summary>
    Task<RunEntity?> ResetForRetryAsync(Guid id, CancellationToken ct = default);
    /// <summary>Removes a finished or queued run and its epochs from the store (the caller deletes its folder). False if unknown or still held.</summary>
    Task<bool> DeleteRunAsync(Guid id, CancellationToken ct = default);
    Task SetJobIdAsync(Guid id, string jobId, CancellationToken ct = default);

    // Worker side.
    /// <summary>Takes the run if nobody holds a live lease on it; atomic across workers and machines.</summary>
    Task<bool> TryAcquireLeaseAsync(Guid id, string owner, TimeSpan duration, CancellationToken ct = default);
    /// <summary>Extends the lease; false when it was lost (expired and taken by another worker).</summary>
    Task<bool> RenewLeaseAsync(Guid id, string owner, TimeSpan duration, CancellationToken ct = default);
    Task ReleaseLeaseAsync(Guid id, string owner, CancellationToken ct = default);
    Task<bool> IsCancelRequestedAsync(Guid id, CancellationToken ct = default);
    Task SetStatusAsync(Guid id, RunStatus status, string? error = null, CancellationToken ct = default);
    Task UpdateProgressAsync(Guid id, int epoch, int epochs, double epochProgress, double? etaSeconds, CancellationToken ct = default);
    /// <summary>Records a finished epoch once: a second report of the same epoch leaves the first in place.</summary>
    Task RecordEpochAsync(Guid id, EpochReport report, CancellationToken ct = default);
    Task SetMetricsAsync(Guid id, EvaluationResult metrics, CancellationToken ct = default);
    /// <summary>Runs marked Running or Evaluating whose lease expired before <paramref name="now"/>: their worker died.</summary>
    Task<IReadOnlyList<RunEntity>> FindAbandonedAsync(DateTimeOffset now, CancellationToken ct = default);
}
