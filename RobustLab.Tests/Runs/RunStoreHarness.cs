using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RobustLab.Training.Training;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Runs;

/// <summary>A clock the tests move by hand, so lease expiry needs no sleeping.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>
/// A migrated run store built the way the app builds it (AddRunStore + MigrateRunStoreAsync) on a fresh temp data folder,
/// with a manual clock.
/// </summary>
public sealed class RunStoreHarness : IAsyncDisposable
{
    public required string DataFolder { get; init; }
    public required ServiceProvider Services { get; init; }
    public required ManualClock Clock { get; init; }
    public IRunStore Store => Services.GetRequiredService<IRunStore>();
    public IDbContextFactory<RunStoreContext> Contexts => Services.GetRequiredService<IDbContextFactory<RunStoreContext>>();
    public SweepSubmitter Sweeps => Services.GetRequiredService<SweepSubmitter>();

    public static async Task<RunStoreHarness> StartAsync(StorageProvider provider = StorageProvider.Sqlite, string? connectionString = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "robustlab-runs-" + Guid.NewGuid().ToString("N"));
        var clock = new ManualClock(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddRunStore(new StorageOptions { Provider = provider, ConnectionString = connectionString, DataFolder = folder });
        var harness = new RunStoreHarness { DataFolder = folder, Services = services.BuildServiceProvider(), Clock = clock };
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
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
