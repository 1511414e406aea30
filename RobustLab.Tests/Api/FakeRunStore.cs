using System.Collections.Concurrent;
using System.Text.Json;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>
/// An in-memory <see cref="IRunStore"/> for the API's validation and 404 matrix: runs live in a dictionary, their
/// folders under <see cref="DataFolder"/>/runs/{id}, and tests put runs into any state with <see cref="Add"/>.
/// </summary>
public sealed class FakeRunStore(string dataFolder) : IRunStore
{
    readonly ConcurrentDictionary<Guid, RunEntity> _runs = new();
    readonly ConcurrentDictionary<Guid, SweepEntity> _sweeps = new();
    public string DataFolder { get; } = dataFolder;
    public int CreateCalls;

    public IReadOnlyCollection<RunEntity> Runs => _runs.Values.ToList();
    public IReadOnlyCollection<SweepEntity> Sweeps => _sweeps.Values.ToList();

    /// <summary>Stores a run as the real store would, then lets the test change it (status, metrics, epochs).</summary>
    public RunEntity Add(TrainingOptions options, Action<RunEntity>? change = null, Guid? sweepId = null)
    {
        var run = NewRun(options, sweepId);
        change?.Invoke(run);
        _runs[run.Id] = run;
        return run;
    }

    RunEntity NewRun(TrainingOptions options, Guid? sweepId)
    {
        var id = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        return new RunEntity
        {
            Id = id, SweepId = sweepId, Dataset = options.Dataset, Model = options.Model, Method = options.Method,
            Sigma = options.Sigma, Alpha = options.Alpha, Copies = options.Copies, Seed = options.Seed, Device = options.Device,
            Queue = DeviceQueues.QueueFor(options.Device), ConfigJson = JsonSerializer.Serialize(options, RunJson.Options),
            ConfigKey = RunConfigKey.For(options), Status = RunStatus.Queued, Epochs = options.Resolve().Epochs,
            CreatedAt = now, UpdatedAt = now, RunDir = Path.Combine(DataFolder, "runs", id.ToString()),
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
        run.TestAccuracy = m.TestAccuracy; run.Gnr = m.Gnr; run.GnrMean = m.GnrMean;
        run.MomentAccuracy = m.MomentAccuracy; run.MomentGap = m.MomentGap;
        run.MetricsJson = JsonSerializer.Serialize(m, RunJson.Options);
    }

    public Task<RunEntity> CreateRunAsync(TrainingOptions options, Guid? sweepId = null, CancellationToken ct = default)
    {
        Interlocked.Increment(ref CreateCalls);
        var run = NewRun(options, sweepId);
        _runs[run.Id] = run;
        return Task.FromResult(run);
    }

    public Task<SweepEntity> CreateSweepAsync(SweepEntity sweep, CancellationToken ct = default)
    {
        if (sweep.Id == Guid.Empty) sweep.Id = Guid.NewGuid();
        if (sweep.CreatedAt == default) sweep.CreatedAt = DateTimeOffset.UtcNow;
        _sweeps[sweep.Id] = sweep;
        return Task.FromResult(sweep);
    }

    public Task<RunEntity?> GetRunAsync(Guid id, bool withEpochs = false, CancellationToken ct = default) =>
        Task.FromResult(_runs.TryGetValue(id, out var run) ? run : null);

    /// <summary>Awaited before a listing answers: lets a test hold one listing back (a slow database).</summary>
    public Func<RunFilter, Task>? BeforeList { get; set; }

    public async Task<IReadOnlyList<RunEntity>> ListRunsAsync(RunFilter filter, CancellationToken ct = default)
    {
        if (BeforeList is { } wait) await wait(filter);
        IEnumerable<RunEntity> runs = _runs.Values.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id);
        if (filter.Dataset is { } d) runs = runs.Where(r => r.Dataset == d);
        if (filter.Model is { } m) runs = runs.Where(r => r.Model == m);
        if (filter.Method is { } me) runs = runs.Where(r => r.Method == me);
        if (filter.Status is { } s) runs = runs.Where(r => r.Status == s);
        if (filter.SweepId is { } sw) runs = runs.Where(r => r.SweepId == sw);
        return runs.Skip(filter.Skip).Take(filter.Take).ToList();
    }

    public Task<SweepEntity?> GetSweepAsync(Guid id, CancellationToken ct = default) =>
        Task.FromResult(_sweeps.TryGetValue(id, out var s) ? s : null);

    public Task<RunEntity?> FindSucceededAsync(string configKey, CancellationToken ct = default) =>
        Task.FromResult(_runs.Values.Where(r => r.ConfigKey == configKey && r.Status == RunStatus.Succeeded)
            .OrderByDescending(r => r.FinishedAt).FirstOrDefault());

    public Task<IReadOnlyList<RunEntity>> ChangedSinceAsync(DateTimeOffset since, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<RunEntity>>(_runs.Values.Where(r => r.UpdatedAt > since).ToList());

    public Task<bool> RequestCancelAsync(Guid id, CancellationToken ct = default)
    {
        if (!_runs.TryGetValue(id, out var run)) return Task.FromResult(false);
        if (run.Status == RunStatus.Queued) { run.Status = RunStatus.Cancelled; run.FinishedAt = DateTimeOffset.UtcNow; }
        else if (!run.Status.IsFinished()) run.CancelRequested = true;
        return Task.FromResult(true);
    }

    public Task<RunEntity?> ResetForRetryAsync(Guid id, CancellationToken ct = default)
    {
        if (!_runs.TryGetValue(id, out var run) || run.Status is not (RunStatus.Failed or RunStatus.Cancelled))
            return Task.FromResult<RunEntity?>(null);
        run.Status = RunStatus.Queued; run.Error = null; run.CancelRequested = false; run.FinishedAt = null;
        return Task.FromResult<RunEntity?>(run);
    }

    public Task<bool> DeleteRunAsync(Guid id, CancellationToken ct = default)
    {
        if (!_runs.TryGetValue(id, out var run) || run.Status is RunStatus.Running or RunStatus.Evaluating) return Task.FromResult(false);
        return Task.FromResult(_runs.TryRemove(id, out _));
    }

    public Task SetJobIdAsync(Guid id, string jobId, CancellationToken ct = default)
    {
        if (_runs.TryGetValue(id, out var run)) run.JobId = jobId;
        return Task.CompletedTask;
    }

    public Task SetStatusAsync(Guid id, RunStatus status, string? error = null, CancellationToken ct = default)
    {
        if (_runs.TryGetValue(id, out var run)) { run.Status = status; run.Error = error; }
        return Task.CompletedTask;
    }

    // The worker side is not the API's business.
    public Task<bool> TryAcquireLeaseAsync(Guid id, string owner, TimeSpan duration, CancellationToken ct = default) => throw new NotSupportedException();
    public Task<bool> RenewLeaseAsync(Guid id, string owner, TimeSpan duration, CancellationToken ct = default) => throw new NotSupportedException();
    public Task ReleaseLeaseAsync(Guid id, string owner, CancellationToken ct = default) => throw new NotSupportedException();
    public Task<bool> IsCancelRequestedAsync(Guid id, CancellationToken ct = default) => throw new NotSupportedException();
    public Task UpdateProgressAsync(Guid id, int epoch, int epochs, double epochProgress, double? etaSeconds, CancellationToken ct = default) => throw new NotSupportedException();
    public Task RecordEpochAsync(Guid id, EpochReport report, CancellationToken ct = default) => throw new NotSupportedException();
    public Task SetMetricsAsync(Guid id, EvaluationResult metrics, CancellationToken ct = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<RunEntity>> FindAbandonedAsync(DateTimeOffset now, CancellationToken ct = default) => throw new NotSupportedException();
}
