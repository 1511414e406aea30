using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RobustLab.Tests.Loop;
using RobustLab.Training.Loop;
using RobustLab.Web.Hosting;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Jobs;

/// <summary>
/// The headless worker host of <c>robustlab worker</c> on a real SQLite run store and Hangfire SQLite storage in a
/// fresh temp data folder, with short heartbeats and polls so the tests run in seconds. Evaluation is small. The lease
/// is long (30 s): a worker stalled for a few seconds on a loaded machine must not lose its live run to the recovery
/// pass (every 0.5 s). No test here waits for a worker's lease to expire; a test that needs a dead lease takes one itself.
/// </summary>
public sealed class JobEngineHost : IAsyncDisposable
{
    readonly TempFolder _folder = new();
    readonly IHost _host;

    public static readonly TrainingOptions TinyRun = new()
    {
        Dataset = "fashion-mnist", Model = "lenet", Method = TrainingMethod.Baseline,
        TrainSubset = 600, TestSubset = 100, Epochs = 2, BatchSize = 100, LearningRate = 1e-3, Seed = 3,
    };

    /// <summary>Many epochs over 6000 images: still training when a test cancels or kills it.</summary>
    public static readonly TrainingOptions LongRun = TinyRun with { TrainSubset = 6000, Epochs = 100, EarlyStopPatience = 100 };

    JobEngineHost(IReadOnlyDictionary<string, string?>? overrides, int workers, Action<IServiceCollection>? services)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "sqlite",
            ["Storage:DataFolder"] = _folder.Path,
            ["Workers:QueuePollInterval"] = "00:00:00.200",
            ["Runs:LeaseDuration"] = "00:00:30",
            ["Runs:HeartbeatInterval"] = "00:00:00.250",
            ["Runs:RecoveryInterval"] = "00:00:00.500",
            ["Runs:ProgressInterval"] = "00:00:00.200",
            ["Runs:Evaluation:GnrSteps"] = "6",
            ["Runs:Evaluation:MomentGapImages"] = "32",
            ["Runs:Evaluation:MomentGapSamples"] = "16",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        _host = WorkerHost.Build(["cpu"], workers, settings, services);
    }

    /// <param name="beforeStart">Runs on the migrated store before the host (its workers and recovery service) starts.</param>
    /// <param name="services">Registrations made before the run store's (an artifact store of the test's own).</param>
    public static async Task<JobEngineHost> StartAsync(IReadOnlyDictionary<string, string?>? overrides = null, int workers = 1,
        Func<IRunStore, Task>? beforeStart = null, Action<IServiceCollection>? services = null)
    {
        var host = new JobEngineHost(overrides, workers, services);
        await host._host.Services.MigrateRunStoreAsync();
        if (beforeStart is not null) await beforeStart(host.Store);
        await host._host.StartAsync();
        return host;
    }

    public IServiceProvider Services => _host.Services;
    public IRunStore Store => Services.GetRequiredService<IRunStore>();
    public IRunQueue Queue => Services.GetRequiredService<IRunQueue>();
    public RunEvents Events => Services.GetRequiredService<RunEvents>();
    public string DataFolder => _folder.Path;

    /// <summary>Stores a run and enqueues its job, like POST /api/runs.</summary>
    public async Task<RunEntity> SubmitAsync(TrainingOptions options)
    {
        var run = await Store.CreateRunAsync(options);
        await Queue.EnqueueAsync(run);
        return run;
    }

    /// <summary>Polls the store until the run satisfies <paramref name="done"/>; fails with the run's state on timeout.</summary>
    public async Task<RunEntity> WaitForAsync(Guid id, Func<RunEntity, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var run = await Store.GetRunAsync(id, withEpochs: true) ?? throw new InvalidOperationException($"run {id} vanished");
            if (done(run)) return run;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"run {id} did not get there in {timeout}: status {run.Status}, epoch {run.Epoch}/{run.Epochs}, " +
                            $"lease {run.LeaseOwner} until {run.LeaseExpiresAt:O}, error '{run.Error}'.");
            await Task.Delay(50);
        }
    }

    public Task<RunEntity> WaitUntilFinishedAsync(Guid id, TimeSpan? timeout = null) =>
        WaitForAsync(id, r => r.Status.IsFinished(), timeout ?? TimeSpan.FromMinutes(3));

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            await _host.StopAsync(stop.Token);
        _host.Dispose();
        _folder.Dispose();
    }
}
