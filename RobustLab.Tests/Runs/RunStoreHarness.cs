using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Runs;

/// <summary>A clock the tests move by hand, so lease expiry needs no sleeping.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>A run store under test, whatever keeps its runs, with the clock it reads and the data folder its runs live under.</summary>
public interface IRunStoreUnderTest : IAsyncDisposable
{
    IRunStore Store { get; }
    ManualClock Clock { get; }
    string DataFolder { get; }
}

/// <summary>
/// A migrated run store built the way the app builds it (AddRunStore + MigrateRunStoreAsync) on a fresh temp data folder,
/// with a manual clock.
/// </summary>
public sealed class RunStoreHarness : IRunStoreUnderTest
{
    public required string DataFolder { get; init; }
    public required ServiceProvider Services { get; init; }
    public required ManualClock Clock { get; init; }
    /// <summary>The SQLite store's connection string (the key of its connection pool); null for a server database.</summary>
    public string? SqliteConnectionString { get; init; }
    public IRunStore Store => Services.GetRequiredService<IRunStore>();
    public IDbContextFactory<RunStoreContext> Contexts => Services.GetRequiredService<IDbContextFactory<RunStoreContext>>();
    public SweepSubmitter Sweeps => Services.GetRequiredService<SweepSubmitter>();

    public static async Task<RunStoreHarness> StartAsync(StorageProvider provider = StorageProvider.Sqlite, string? connectionString = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "robustlab-runs-" + Guid.NewGuid().ToString("N"));
        var clock = new ManualClock(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        var storage = new StorageOptions { Provider = provider, ConnectionString = connectionString, DataFolder = folder };
        services.AddRunStore(storage);
        var harness = new RunStoreHarness
        {
            DataFolder = folder, Services = services.BuildServiceProvider(), Clock = clock,
            SqliteConnectionString = provider == StorageProvider.Sqlite ? RunStoreSetup.SqliteConnectionString(storage) : null,
        };
        try { await harness.Services.MigrateRunStoreAsync(); }
        catch { await harness.DisposeAsync(); throw; }
        return harness;
    }

    public static TrainingOptions Tiny(string method = "baseline", double sigma = 0, double alpha = 0, int copies = 0, int seed = 0,
        string dataset = "mnist10k", string device = "cpu") => new()
    {
        Dataset = dataset, Model = "lenet", Method = TrainingMethods.Parse(method), Sigma = sigma, Alpha = alpha, Copies = copies,
        Epochs = 2, TrainSubset = 100, TestSubset = 50, Seed = seed, Device = device,
    };

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        // Close this store's pooled connections so its folder can go. Only this store's pool: ClearAllPools would close
        // the pooled connections of every other test class's store in this process while they use them.
        if (SqliteConnectionString is { } sqlite)
            using (var connection = new SqliteConnection(sqlite)) SqliteConnection.ClearPool(connection);
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
