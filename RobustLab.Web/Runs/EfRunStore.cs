using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Runs;

/// <summary>
/// <see cref="IRunStore"/> on EF Core. Each call uses its own short-lived context, so the store is a thread-safe
/// singleton shared by the API and every worker. State changes that can race (lease, cancel, retry, delete) are single
/// conditional UPDATE/DELETE statements, atomic on SQLite, PostgreSQL and SQL Server alike.
/// <para>
/// Time: every timestamp, lease expiry included, is the calling machine's clock (<see cref="TimeProvider"/>), never the
/// database server's, so the same code works on all three providers. This assumes the machines sharing a store keep
/// their clocks in step (NTP) to well within a lease's duration; a worker whose clock runs ahead by more than that could
/// take over a lease that is still being renewed. Leases are minutes long and renewed every few seconds for that reason.
/// </para>
/// </summary>
public sealed class EfRunStore(IDbContextFactory<RunStoreContext> contexts, StorageOptions storage, TimeProvider? clock = null) : IRunStore
{
    readonly TimeProvider _clock = clock ?? TimeProvider.System;
    DateTimeOffset Now => _clock.GetUtcNow();

    // ---- Submission and reading ----

    public async Task<RunEntity> CreateRunAsync(TrainingOptions options, Guid? sweepId = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));
        string queue = DeviceQueues.QueueFor(options.Device);
        string configKey = RunConfigKey.For(options);

        var now = Now;
        var id = Guid.CreateVersion7(now);
        var run = new RunEntity
        {
            Id = id,
            SweepId = sweepId,
            Dataset = options.Dataset.Trim().ToLowerInvariant(),
            Model = options.Model.Trim().ToLowerInvariant(),
            Method = options.Method,
            Sigma = options.Sigma,
            Alpha = options.Alpha,
            Copies = options.Copies,
            Seed = options.Seed,
            Device = options.Device.Trim().ToLowerInvariant(),
            Queue = queue,
            ConfigJson = JsonSerializer.Serialize(options, RunJson.Options),
            ConfigKey = configKey,
            Status = RunStatus.Queued,
            Epoch = 0,
            Epochs = options.Resolve().Epochs,
            CreatedAt = now,
            UpdatedAt = now,
            RunDir = Path.GetFullPath(Path.Combine(RunStoreSetup.RunsFolder(storage), id.ToString("N"))),
        };
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Runs.Add(run);
        await db.SaveChangesAsync(ct);
        return run;
    }

    public async Task<SweepEntity> CreateSweepAsync(SweepEntity sweep, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var now = Now;
        if (sweep.Id == Guid.Empty) sweep.Id = Guid.CreateVersion7(now);
        if (sweep.CreatedAt == default) sweep.CreatedAt = now;
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Sweeps.Add(sweep);
        await db.SaveChangesAsync(ct);
        return sweep;
    }

    public async Task<RunEntity?> GetRunAsync(Guid id, bool withEpochs = false, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        IQueryable<RunEntity> runs = db.Runs.AsNoTracking();
        if (withEpochs) runs = runs.Include(r => r.EpochReports.OrderBy(e => e.Epoch));
        return await runs.FirstOrDefaultAsync(r => r.Id == id, ct);
    }

    public async Task<IReadOnlyList<RunEntity>> ListRunsAsync(RunFilter filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await contexts.CreateDbContextAsync(ct);
        IQueryable<RunEntity> runs = db.Runs.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Dataset))
        {
            string dataset = filter.Dataset.Trim().ToLowerInvariant();
            runs = runs.Where(r => r.Dataset == dataset);
        }
        if (!string.IsNullOrWhiteSpace(filter.Model))
        {
            string model = filter.Model.Trim().ToLowerInvariant();
            runs = runs.Where(r => r.Model == model);
        }
        if (filter.Method is { } method) runs = runs.Where(r => r.Method == method);
        if (filter.Status is { } status) runs = runs.Where(r => r.Status == status);
        if (filter.SweepId is { } sweepId)
        {
            // A sweep's runs: those it created plus the succeeded runs it reused.
            var reused = await db.Sweeps.Where(s => s.Id == sweepId).Select(s => s.ReusedRunIds).FirstOrDefaultAsync(ct) ?? [];
            runs = reused.Count == 0 ? runs.Where(r => r.SweepId == sweepId) : runs.Where(r => r.SweepId == sweepId || reused.Contains(r.Id));
        }
        return await runs
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Skip(Math.Max(0, filter.Skip)).Take(Math.Max(0, filter.Take))
            .ToListAsync(ct);
    }

    public async Task<SweepEntity?> GetSweepAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Sweeps.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
    }

    public async Task<RunEntity?> FindSucceededAsync(string configKey, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Runs.AsNoTracking()
            .Where(r => r.ConfigKey == configKey && r.Status == RunStatus.Succeeded)
            .OrderByDescending(r => r.FinishedAt).ThenByDescending(r => r.Id)
            .FirstOrDefaultAsync(ct);
    }

    public async Task<IReadOnlyList<RunEntity>> ChangedSinceAsync(DateTimeOffset since, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Runs.AsNoTracking().Where(r => r.UpdatedAt > since).OrderBy(r => r.UpdatedAt).ToListAsync(ct);
    }

    // ---- User actions ----

    public async Task<bool> RequestCancelAsync(Guid id, CancellationToken ct = default)
    {
        var now = Now;
        await using var db = await contexts.CreateDbContextAsync(ct);
        // A queued run is cancelled outright; the status condition makes this safe against a worker taking it meanwhile.
        if (await db.Runs.Where(r => r.Id == id && r.Status == RunStatus.Queued).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatus.Cancelled)
                .SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.EtaSeconds, (double?)null)
                .SetProperty(r => r.UpdatedAt, now), ct) == 1)
            return true;
        // A running one is asked to stop; its worker checks between batches and finishes it as Cancelled.
        if (await db.Runs.Where(r => r.Id == id && (r.Status == RunStatus.Running || r.Status == RunStatus.Evaluating))
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelRequested, true).SetProperty(r => r.UpdatedAt, now), ct) == 1)
            return true;
        // Finished (or raced to finished): nothing to do, but the run exists.
        return await db.Runs.AnyAsync(r => r.Id == id, ct);
    }

    public async Task<RunEntity?> ResetForRetryAsync(Guid id, CancellationToken ct = default)
    {
        var now = Now;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            int reset = await db.Runs.Where(r => r.Id == id && (r.Status == RunStatus.Failed || r.Status == RunStatus.Cancelled))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, RunStatus.Queued)
                    .SetProperty(r => r.Error, (string?)null)
                    .SetProperty(r => r.CancelRequested, false)
                    .SetProperty(r => r.LeaseOwner, (string?)null)
                    .SetProperty(r => r.LeaseExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(r => r.EpochProgress, 0.0)
                    .SetProperty(r => r.EtaSeconds, (double?)null)
                    .SetProperty(r => r.FinishedAt, (DateTimeOffset?)null)
                    .SetProperty(r => r.Attempts, r => r.Attempts + 1)
                    .SetProperty(r => r.UpdatedAt, now), ct);
            if (reset == 0) return null;
        }
        return await GetRunAsync(id, ct: ct);
    }

    public async Task<bool> DeleteRunAsync(Guid id, CancellationToken ct = default)
    {
        var now = Now;
        await using var db = await contexts.CreateDbContextAsync(ct);
        // One statement, so a worker cannot take the run between the check and the delete. Epochs go by ON DELETE CASCADE.
        // Any live lease refuses: a worker training the run, or attacking a succeeded one (AttackRunJob holds the lease).
        int deleted = await db.Runs
            .Where(r => r.Id == id && !(r.LeaseOwner != null && r.LeaseExpiresAt != null && r.LeaseExpiresAt >= now))
            .ExecuteDeleteAsync(ct);
        return deleted == 1;
    }

    public async Task SetJobIdAsync(Guid id, string jobId, CancellationToken ct = default)
    {
        var now = Now;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Runs.Where(r => r.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.JobId, jobId).SetProperty(r => r.UpdatedAt, now), ct);
    }

    // ---- Worker side ----

    public async Task<bool> TryAcquireLeaseAsync(Guid id, string owner, TimeSpan duration, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var now = Now;
        DateTimeOffset? until = now + duration;
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Compare-and-set in one UPDATE: of several workers racing here, the database lets exactly one match the WHERE
        // (PostgreSQL and SQL Server re-check it on the locked row; SQLite runs one writer at a time).
        int taken = await db.Runs
            .Where(r => r.Id == id && (r.LeaseOwner == null || r.LeaseExpiresAt == null || r.LeaseExpiresAt < now || r.LeaseOwner == owner))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.LeaseOwner, owner)
                .SetProperty(r => r.LeaseExpiresAt, until)
                .SetProperty(r => r.UpdatedAt, now), ct);
        return taken == 1;
    }

    public async Task<bool> RenewLeaseAsync(Guid id, string owner, TimeSpan duration, CancellationToken ct = default)
    {
        var now = Now;
        DateTimeOffset? until = now + duration;
        await using var db = await contexts.CreateDbContextAsync(ct);
        int renewed = await db.Runs.Where(r => r.Id == id && r.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseExpiresAt, until).SetProperty(r => r.UpdatedAt, now), ct);
        return renewed == 1;
    }

    public async Task ReleaseLeaseAsync(Guid id, string owner, CancellationToken ct = default)
    {
        var now = Now;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Runs.Where(r => r.Id == id && r.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.LeaseOwner, (string?)null)
                .SetProperty(r => r.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(r => r.UpdatedAt, now), ct);
    }

    /// <summary>True when the user asked to stop the run, when it is already Cancelled, or when it no longer exists.</summary>
    public async Task<bool> IsCancelRequestedAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var state = await db.Runs.Where(r => r.Id == id)
            .Select(r => new { r.CancelRequested, r.Status })
            .FirstOrDefaultAsync(ct);
        return state is null || state.CancelRequested || state.Status == RunStatus.Cancelled;
    }

    /// <summary>
    /// Moves an unfinished run to <paramref name="status"/>: Running/Evaluating set StartedAt once, a finished status sets
    /// FinishedAt, Failed (or any non-null <paramref name="error"/>) stores the error. A run that is already Succeeded,
    /// Failed or Cancelled is left alone (only <see cref="ResetForRetryAsync"/> brings it back), so a worker that lost a race
    /// with a cancel cannot bring a cancelled run back to Running; it sees <see cref="IsCancelRequestedAsync"/> true.
    /// </summary>
    public async Task SetStatusAsync(Guid id, RunStatus status, string? error = null, CancellationToken ct = default)
    {
        var now = Now;
        DateTimeOffset? started = now;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Runs
            .Where(r => r.Id == id && r.Status != RunStatus.Succeeded && r.Status != RunStatus.Failed && r.Status != RunStatus.Cancelled)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(r => r.Status, status).SetProperty(r => r.UpdatedAt, now);
                if (status is RunStatus.Running or RunStatus.Evaluating) s.SetProperty(r => r.StartedAt, r => r.StartedAt ?? started);
                if (status.IsFinished()) s.SetProperty(r => r.FinishedAt, started).SetProperty(r => r.EtaSeconds, (double?)null);
                if (status == RunStatus.Succeeded) s.SetProperty(r => r.EpochProgress, 1.0);
                if (status == RunStatus.Failed || error is not null) s.SetProperty(r => r.Error, error);
            }, ct);
    }

    public async Task UpdateProgressAsync(Guid id, int epoch, int epochs, double epochProgress, double? etaSeconds, CancellationToken ct = default)
    {
        var now = Now;
        double progress = double.IsFinite(epochProgress) ? Math.Clamp(epochProgress, 0, 1) : 0;
        double? eta = etaSeconds is double e && double.IsFinite(e) ? Math.Max(0, e) : null;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Runs.Where(r => r.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Epoch, epoch)
            .SetProperty(r => r.Epochs, epochs)
            .SetProperty(r => r.EpochProgress, progress)
            .SetProperty(r => r.EtaSeconds, eta)
            .SetProperty(r => r.UpdatedAt, now), ct);
    }

    public async Task RecordEpochAsync(Guid id, EpochReport report, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = Now;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            if (!await db.Epochs.AnyAsync(e => e.RunId == id && e.Epoch == report.Epoch, ct))
            {
                db.Epochs.Add(new EpochEntity
                {
                    RunId = id,
                    Epoch = report.Epoch,
                    TrainLoss = report.TrainLoss,
                    TrainAccuracy = report.TrainAccuracy,
                    ValidationLoss = report.ValidationLoss,
                    ValidationAccuracy = report.ValidationAccuracy,
                    LearningRate = report.LearningRate,
                    Seconds = report.Seconds,
                    ImagesPerSecond = report.ImagesPerSecond,
                    IsBest = report.IsBest,
                    RecordedAt = now,
                });
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // Lost a race with another report of the same epoch: the unique (RunId, Epoch) index kept the first.
                    // Any other failure (unknown run: foreign key) leaves no row behind and is rethrown.
                    await using var check = await contexts.CreateDbContextAsync(ct);
                    if (!await check.Epochs.AnyAsync(e => e.RunId == id && e.Epoch == report.Epoch, ct)) throw;
                }
            }
        }
        await using var update = await contexts.CreateDbContextAsync(ct);
        int epoch = report.Epoch;
        await update.Runs.Where(r => r.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Epoch, r => r.Epoch > epoch ? r.Epoch : epoch)
            .SetProperty(r => r.UpdatedAt, now), ct);
    }

    public async Task SetMetricsAsync(Guid id, EvaluationResult metrics, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var now = Now;
        string json = JsonSerializer.Serialize(metrics, RunJson.Options);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Runs.Where(r => r.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.TestAccuracy, Finite(metrics.TestAccuracy))
            .SetProperty(r => r.Gnr, Finite(metrics.Gnr))
            .SetProperty(r => r.GnrMean, Finite(metrics.GnrMean))
            .SetProperty(r => r.MomentAccuracy, Finite(metrics.MomentAccuracy))
            .SetProperty(r => r.MomentGap, Finite(metrics.MomentGap))
            .SetProperty(r => r.MetricsJson, json)
            .SetProperty(r => r.UpdatedAt, now), ct);
    }

    public async Task<IReadOnlyList<RunEntity>> FindAbandonedAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Runs.AsNoTracking()
            .Where(r => (r.Status == RunStatus.Running || r.Status == RunStatus.Evaluating)
                        && (r.LeaseExpiresAt == null || r.LeaseExpiresAt < now))
            .OrderBy(r => r.CreatedAt)
            .ToListAsync(ct);
    }

    // SQL Server's float has no NaN or infinity and SQLite turns NaN into NULL; a metric that is not a number is unknown.
    static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
