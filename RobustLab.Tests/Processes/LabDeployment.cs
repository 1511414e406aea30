using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RobustLab.Training.Data;
using RobustLab.Tests.Loop;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Processes;

/// <summary>
/// A small lab made of real processes on one store: a <c>robustlab serve</c> that only submits (Workers__InProcess=false),
/// any number of <c>robustlab worker</c> processes, and an in-process reader of the same run store for assertions. Every
/// process gets the same Storage__* settings, the same data folder (a shared mount, as it were) unless it is given one
/// of its own (<see cref="DataFolderOf"/>), and short lease and recovery times, so a killed worker's run is taken over
/// within seconds instead of a minute.
/// </summary>
public sealed class LabDeployment : IAsyncDisposable
{
    readonly TempFolder _folder = new();
    readonly List<RobustLabProcess> _processes = [];
    readonly ServiceProvider _services;
    readonly Dictionary<string, string?> _environment;

    public StorageOptions Storage { get; }
    /// <summary>The run store the processes use, read from the test process.</summary>
    public IRunStore Store { get; }
    /// <summary>Working directory of every process (its data/ and the store's data folder live here).</summary>
    public string WorkingDirectory => _folder.Path;
    public RobustLabProcess? Serve { get; private set; }

    /// <param name="leaseDuration">Runs:LeaseDuration of every process (the heartbeat is a quarter of it).</param>
    /// <param name="artifacts">Storage:Artifacts of every process (null: the provider's default); a shared artifact folder is made here.</param>
    public LabDeployment(StorageProvider provider, string? connectionString = null, TimeSpan? leaseDuration = null,
        ArtifactLocation? artifacts = null)
    {
        Assert.True(new DatasetCatalog().Describe("fashion-mnist").Found,
            "Fashion-MNIST is missing: run scripts/setup.sh (it runs `apt-get install dataset-fashion-mnist`).");
        Storage = new StorageOptions
        {
            Provider = provider, ConnectionString = connectionString, DataFolder = _folder.Sub("store"),
            Artifacts = artifacts, ArtifactFolder = artifacts == ArtifactLocation.Folder ? _folder.Sub("artifacts") : null,
        };
        _environment = new Dictionary<string, string?>
        {
            ["Storage__Provider"] = provider.ToString().ToLowerInvariant(),
            ["Storage__ConnectionString"] = connectionString ?? "",
            ["Storage__DataFolder"] = Storage.DataFolder,
            ["Runs__LeaseDuration"] = (leaseDuration ?? TimeSpan.FromSeconds(8)).ToString("c"),
            ["Runs__RecoveryInterval"] = "00:00:01",
            ["Workers__QueuePollInterval"] = "00:00:01",
            // A smaller evaluation than the paper's: these tests are about the job engine, not the metrics.
            ["Runs__Evaluation__GnrSteps"] = "6",
            ["Runs__Evaluation__MomentGapImages"] = "50",
            ["Runs__Evaluation__MomentGapSamples"] = "8",
            ["Logging__LogLevel__Hangfire"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning",
        };
        if (connectionString is null) _environment.Remove("Storage__ConnectionString");
        if (artifacts is { } location) _environment["Storage__Artifacts"] = location.ToString().ToLowerInvariant();
        if (Storage.ArtifactFolder is { } shared) _environment["Storage__ArtifactFolder"] = shared;
        _services = new ServiceCollection().AddLogging().AddRunStore(Storage).BuildServiceProvider();
        Store = _services.GetRequiredService<IRunStore>();
    }

    /// <summary>The environment every process gets, plus <paramref name="extra"/> (which wins).</summary>
    public Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var env = new Dictionary<string, string?>(_environment);
        if (extra is not null) foreach (var (k, v) in extra) env[k] = v;
        return env;
    }

    /// <summary>A data folder of a process's own (no other process sees it): the environment that gives it, and its path.</summary>
    public Dictionary<string, string?> DataFolderOf(string name, out string path)
    {
        path = _folder.Sub("data-" + name);
        return new Dictionary<string, string?> { ["Storage__DataFolder"] = path };
    }

    /// <summary>Starts <c>robustlab serve</c> without in-process workers; it creates or upgrades the schema.</summary>
    public async Task<RobustLabProcess> StartServeAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var env = Environment(extra);
        env["Workers__InProcess"] = "false";
        Serve = await RobustLabProcess.StartServeAsync(env,
            workingDirectory: WorkingDirectory, timeout: TimeSpan.FromMinutes(2));
        _processes.Add(Serve);
        return Serve;
    }

    /// <summary>Starts <c>robustlab worker --queues cpu</c>; <paramref name="extra"/> adds environment variables.</summary>
    public RobustLabProcess StartWorker(string name, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var worker = RobustLabProcess.Start(["worker", "--queues", "cpu"], Environment(extra), WorkingDirectory, name);
        _processes.Add(worker);
        return worker;
    }

    /// <summary>POST /api/runs on the serve process; returns the new run's id.</summary>
    public async Task<Guid> SubmitAsync(object request)
    {
        var serve = Serve ?? throw new InvalidOperationException("Start serve first.");
        using var http = serve.CreateHttpClient();
        using var response = await http.PostAsJsonAsync("api/runs", request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/runs: {(int)response.StatusCode} {body}\n{serve.Output}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal("queued", json.RootElement.GetProperty("status").GetString());
        return json.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>A tiny Fashion-MNIST run in the API's shape (the CLI's option names in camelCase).</summary>
    public static object TinyRun(int epochs = 4, int trainSubset = 1000, int testSubset = 200, int seed = 0) => new
    {
        dataset = "fashion-mnist", model = "lenet", method = "baseline", epochs, trainSubset, testSubset,
        batchSize = 100, lr = 1e-3, seed, device = "cpu",
    };

    public Task<RunEntity> GetRunAsync(Guid id) => GetRunOrFailAsync(id);

    async Task<RunEntity> GetRunOrFailAsync(Guid id) =>
        await Store.GetRunAsync(id, withEpochs: true) ?? throw new InvalidOperationException($"Run {id} is not in the run store.");

    /// <summary>
    /// Polls the store every <paramref name="every"/> until <paramref name="done"/> holds for the run; <paramref name="observe"/>
    /// sees every snapshot. Throws with every process's output when the time runs out.
    /// </summary>
    public async Task<RunEntity> WaitForRunAsync(Guid id, Func<RunEntity, bool> done, TimeSpan timeout, TimeSpan? every = null,
        Action<RunEntity>? observe = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var run = await GetRunOrFailAsync(id);
            observe?.Invoke(run);
            if (done(run)) return run;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Run {id} is {run.Status.Name()} at epoch {run.Epoch}/{run.Epochs} after {timeout.TotalSeconds:0} s.\n{Outputs()}");
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>The artifact store the processes use, read from the test process; null for run folders.</summary>
    public IArtifactStore? Artifacts =>
        Storage.EffectiveArtifacts == ArtifactLocation.RunFolder ? null : _services.GetRequiredService<IArtifactStore>();

    /// <summary>Every process's command line, exit state and output (for assertion messages).</summary>
    public string Outputs() => string.Join("\n", _processes.Select(p =>
        $"===== {p.Describe()} {(p.HasExited ? $"exited {p.ExitCode}" : "running")} =====\n{p.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes) await process.DisposeAsync();
        await _services.DisposeAsync();
        // This store's pool only: ClearAllPools would close other test classes' pooled SQLite connections under them.
        if (Storage.Provider == StorageProvider.Sqlite)
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(RunStoreSetup.SqliteConnectionString(Storage)))
                Microsoft.Data.Sqlite.SqliteConnection.ClearPool(connection);
        _folder.Dispose();
    }
}
