using System.Collections.Concurrent;
using System.Text.Json;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>
/// An in-memory <see cref="IRunStore"/> for the API's and the dashboard's tests: runs live in a dictionary, their folders
/// under <see cref="DataFolder"/>/runs/{id}, and tests put runs into any state with <see cref="Add"/>. It keeps the same
/// contract as <see cref="EfRunStore"/> (RunStoreContractTests runs against both): leases, deletion refused by a live
/// lease (not by status), status stamps, epochs recorded once. One lock makes each call atomic, as one SQL statement is.
/// Reads hand out the stored objects themselves, so a test can change a run in place.
/// </summary>
public sealed class FakeRunStore(string dataFolder, TimeProvider? clock = null) : IRunStore
{
    readonly Dictionary<Guid, RunEntity> _runs = [];
    readonly ConcurrentDictionary<Guid, SweepEntity> _sweeps = new();
    readonly Lock _lock = new();
    readonly TimeProvider _clock = clock ?? TimeProvider.System;
    DateTimeOffset Now => _clock.GetUtcNow();

    public string DataFolder { get; } = dataFolder;
    public int CreateCalls;

    public IReadOnlyCollection<RunEntity> Runs { get { lock (_lock) return _runs.Values.ToList(); } }
    public IReadOnlyCollection<SweepEntity> Sweeps => _sweeps.Values.ToList();

    /// <summary>Stores a run as the real store would, then lets the test change it (status, metrics, epochs).</summary>
    public RunEntity Add(TrainingOptions options, Action<RunEntity>? change = null, Guid? sweepId = null)
    {
        var run = NewRun(options, sweepId);
        change?.Invoke(run);
        lock (_lock) _runs[run.Id] = run;
        return run;
    }

    RunEntity NewRun(TrainingOptions options, Guid? sweepId)
    {
        var now = Now;
        var id = Guid.CreateVersion7(now);
        return new RunEntity
        {
            Id = id, SweepId = sweepId, Dataset = options.Dataset.Trim().ToLowerInvariant(), Model = options.Model.Trim().ToLowerInvariant(),
            Method = options.Method, Sigma = options.Sigma, Alpha = options.Alpha, Copies = options.Copies, Seed = options.Seed,
            Device = options.Device.Trim().ToLowerInvariant(), Queue = DeviceQueues.QueueFor(options.Device),
            ConfigJson = JsonSerializer.Serialize(options, RunJson.Options), ConfigKey = RunConfigKey.For(options),
            Status = RunStatus.Queued, Epochs = options.Resolve().Epochs, CreatedAt = now, UpdatedAt = now,
            RunDir = Path.GetFullPath(Path.Combine(DataFolder, "runs", id.ToString("N"))),
        };
    }

    public static EvaluationResult SampleMetrics(double accuracy = 0.875) => new(
        accuracy, 200, 0.75, 0.7, [new GnrPoint(0, 1), new GnrPoint(0.25, 0.8), new GnrPoint(0.5, 0.5)], 0.86, 0.04, 0.5, 32, 16, 4);

    public static void Succeed(RunEntity run, EvaluationResult? metrics = null)
    {
        var m = metrics ?? SampleMetrics();
        run.Status = RunStatus.Succeeded;
        run.Epoch = run.Epochs;
        run.StartedAt = run.CreatedAt.AddSeconds(1);
        run.FinishedAt = run.CreatedAt.AddSeconds(60);
        SetMetrics(run, m);
    }

    static void SetMetrics(RunEntity run, EvaluationResult m)
    {
        static double? Finite(double v) => double.IsFinite(v) ? v : null;
        run.TestAccuracy = Finite(m.TestAccuracy); run.Gnr = Finite(m.Gnr); run.GnrMean = Finite(m.GnrMean);
        run.MomentAccuracy = Finite(m.MomentAccuracy); run.MomentGap = Finite(m.MomentGap);
        run.MetricsJson = JsonSerializer.Serialize(m, RunJson.Options);
    }

    // ---- Submission and reading ----

    public Task<RunEntity> CreateRunAsync(TrainingOptions options, Guid? sweepId = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));
        Interlocked.Increment(ref CreateCalls);
        var run = NewRun(options, sweepId);
        lock (_lock) _runs[run.Id] = run;
        return Task.FromResult(run);
    }

    public Task<SweepEntity> CreateSweepAsync(SweepEntity sweep, CancellationToken ct = default)
    {
        if (sweep.Id == Guid.Empty) sweep.Id = Guid.CreateVersion7(Now);
        if (sweep.CreatedAt == default) sweep.CreatedAt = Now;
        _sweeps[sweep.Id] = sweep;
        return Task.FromResult(sweep);
    }

    public Task<RunEntity?> GetRunAsync(Guid id, bool withEpochs = false, CancellationToken ct = default)
    {
        lock (_lock) return Task.FromResult(_runs.GetValueOrDefault(id));
    }

    /// <summary>Awaited before a listing answers: lets a test hold one listing back (a slow database).</summary>
    public Func<RunFilter, Task>? BeforeList { get; set; }

    public async Task<IReadOnlyList<RunEntity>> ListRunsAsync(RunFilter filter, CancellationToken ct = default)
    {
        if (BeforeList is { } wait) await wait(filter);
        var reused = filter.SweepId is { } sweepId && _sweeps.TryGetValue(sweepId, out var sweep) ? sweep.ReusedRunIds : [];
        IEnumerable<RunEntity> runs = Runs.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id);
        if (!string.IsNullOrWhiteSpace(filter.Dataset)) runs = runs.Where(r => r.Dataset == filter.Dataset.Trim().ToLowerInvariant());
        if (!string.IsNullOrWhiteSpace(filter.Model)) runs = runs.Where(r => r.Model == filter.Model.Trim().ToLowerInvariant());
        if (filter.Method is { } m) runs = runs.Where(r => r.Method == m);
        if (filter.Status is { } s) runs = runs.Where(r => r.Status == s);
        if (filter.SweepId is { } sw) runs = runs.Where(r => r.SweepId == sw || reused.Contains(r.Id));
        return runs.Skip(Math.Max(0, filter.Skip)).Take(Math.Max(0, filter.Take)).ToList();
    }

    public Task<SweepEntity?> GetSweepAsync(Guid id, CancellationToken ct = default) =>
        Task.FromResult(_sweeps.TryGetValue(id, out var s) ? s : null);

    public Task<RunEntity?> FindSucceededAsync(string configKey, CancellationToken ct = default) =>
        Task.FromResult(Runs.Where(r => r.ConfigKey == configKey && r.Status == RunStatus.Succeeded)
            .OrderByDescending(r => r.FinishedAt).ThenByDescending(r => r.Id).FirstOrDefault());

    public Task<IReadOnlyList<RunEntity>> ChangedSinceAsync(DateTimeOffset since, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<RunEntity>>(Runs.Where(r => r.UpdatedAt > since).OrderBy(r => r.UpdatedAt).ToList());

    // ---- User actions ----

    public Task<bool> RequestCancelAsync(Guid id, CancellationToken ct = default) => Locked(id, false, run =>
    {
        if (run.Status == RunStatus.Queued)
        {
            run.Status = RunStatus.Cancelled; run.FinishedAt = Now; run.EtaSeconds = null; run.UpdatedAt = Now;
        }
        else if (run.Status is RunStatus.Running or RunStatus.Evaluating)
        {
            run.CancelRequested = true; run.UpdatedAt = Now;
        }
        return true;
    });

    public Task<RunEntity?> ResetForRetryAsync(Guid id, CancellationToken ct = default) => Locked<RunEntity?>(id, null, run =>
    {
        if (run.Status is not (RunStatus.Failed or RunStatus.Cancelled)) return null;
        run.Status = RunStatus.Queued; run.Error = null; run.CancelRequested = false; run.LeaseOwner = null; run.LeaseExpiresAt = null;
        run.EpochProgress = 0; run.EtaSeconds = null; run.FinishedAt = null; run.Attempts++; run.UpdatedAt = Now;
        return run;
    });

    /// <summary>Refuses a run held by a live lease, whatever its status (as EfRunStore does); removes its epochs with it.</summary>
    public Task<bool> DeleteRunAsync(Guid id, CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (!_runs.TryGetValue(id, out var run) || HasLiveLease(run, Now)) return Task.FromResult(false);
            return Task.FromResult(_runs.Remove(id));
        }
    }

    public Task SetJobIdAsync(Guid id, string jobId, CancellationToken ct = default) =>
        Locked(id, false, run => { run.JobId = jobId; run.UpdatedAt = Now; return true; });

    // ---- Worker side ----

    public Task<bool> TryAcquireLeaseAsync(Guid id, string owner, TimeSpan duration, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return Locked(id, false, run =>
        {
            var now = Now;
            if (HasLiveLease(run, now) && run.LeaseOwner != owner) return false;
            run.LeaseOwner = owner; run.LeaseExpiresAt = now + duration; run.UpdatedAt = now;
            return true;
        });
    }

    public Task<bool> RenewLeaseAsync(Guid id, string owner, TimeSpan duration, CancellationToken ct = default) => Locked(id, false, run =>
    {
        if (run.LeaseOwner != owner) return false;
        run.LeaseExpiresAt = Now + duration; run.UpdatedAt = Now;
        return true;
    });

    public Task ReleaseLeaseAsync(Guid id, string owner, CancellationToken ct = default) => Locked(id, false, run =>
    {
        if (run.LeaseOwner != owner) return false;
        run.LeaseOwner = null; run.LeaseExpiresAt = null; run.UpdatedAt = Now;
        return true;
    });

    public Task<bool> IsCancelRequestedAsync(Guid id, CancellationToken ct = default) =>
        Locked(id, true, run => run.CancelRequested || run.Status == RunStatus.Cancelled);

    public Task SetStatusAsync(Guid id, RunStatus status, string? error = null, CancellationToken ct = default) => Locked(id, false, run =>
    {
        if (run.Status.IsFinished()) return false; // only a retry brings a finished run back
        var now = Now;
        run.Status = status; run.UpdatedAt = now;
        if (status is RunStatus.Running or RunStatus.Evaluating) run.StartedAt ??= now;
        if (status.IsFinished()) { run.FinishedAt = now; run.EtaSeconds = null; }
        if (status == RunStatus.Succeeded) run.EpochProgress = 1;
        if (status == RunStatus.Failed || error is not null) run.Error = error;
        return true;
    });

    public Task UpdateProgressAsync(Guid id, int epoch, int epochs, double epochProgress, double? etaSeconds, CancellationToken ct = default) =>
        Locked(id, false, run =>
        {
            run.Epoch = epoch; run.Epochs = epochs;
            run.EpochProgress = double.IsFinite(epochProgress) ? Math.Clamp(epochProgress, 0, 1) : 0;
            run.EtaSeconds = etaSeconds is double e && double.IsFinite(e) ? Math.Max(0, e) : null;
            run.UpdatedAt = Now;
            return true;
        });

    public Task RecordEpochAsync(Guid id, EpochReport report, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_lock)
        {
            if (!_runs.TryGetValue(id, out var run)) throw new InvalidOperationException($"There is no run {id} to record an epoch for.");
            var now = Now;
            if (run.EpochReports.All(e => e.Epoch != report.Epoch))
            {
                run.EpochReports.Add(new EpochEntity
                {
                    RunId = id, Epoch = report.Epoch, TrainLoss = report.TrainLoss, TrainAccuracy = report.TrainAccuracy,
                    ValidationLoss = report.ValidationLoss, ValidationAccuracy = report.ValidationAccuracy,
                    LearningRate = report.LearningRate, Seconds = report.Seconds, ImagesPerSecond = report.ImagesPerSecond,
                    IsBest = report.IsBest, RecordedAt = now,
                });
                run.EpochReports.Sort((a, b) => a.Epoch.CompareTo(b.Epoch));
            }
            run.Epoch = Math.Max(run.Epoch, report.Epoch);
            run.UpdatedAt = now;
        }
        return Task.CompletedTask;
    }

    public Task SetMetricsAsync(Guid id, EvaluationResult metrics, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return Locked(id, false, run => { SetMetrics(run, metrics); run.UpdatedAt = Now; return true; });
    }

    public Task<IReadOnlyList<RunEntity>> FindAbandonedAsync(DateTimeOffset now, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<RunEntity>>(Runs
            .Where(r => r.Status is RunStatus.Running or RunStatus.Evaluating && (r.LeaseExpiresAt is null || r.LeaseExpiresAt < now))
            .OrderBy(r => r.CreatedAt).ToList());

    static bool HasLiveLease(RunEntity run, DateTimeOffset now) =>
        run.LeaseOwner is not null && run.LeaseExpiresAt is { } until && until >= now;

    Task<T> Locked<T>(Guid id, T missing, Func<RunEntity, T> change)
    {
        lock (_lock) return Task.FromResult(_runs.TryGetValue(id, out var run) ? change(run) : missing);
    }
}
