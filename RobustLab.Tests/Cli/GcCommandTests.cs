using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RobustLab.Tests.Loop;
using RobustLab.Tests.Runs;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Cli;
using RobustLab.Web.Hosting;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Cli;

/// <summary>
/// <c>robustlab gc</c> on a SQLite run store with database artifacts: runs that exist keep everything; a deleted run and a
/// run the store never had lose their artifacts and run folders; a folder not named like a run is left alone.
/// </summary>
public sealed class GcCommandTests : IDisposable
{
    readonly TempFolder _data = new();
    readonly StorageOptions _storage;
    readonly ServiceProvider _services;

    public GcCommandTests()
    {
        _storage = new StorageOptions { DataFolder = _data.Path, Artifacts = ArtifactLocation.Database };
        _services = StoreServices.Build(_storage);
    }

    [Fact]
    public async Task Gc_removes_only_what_belongs_to_runs_the_store_no_longer_has()
    {
        _services.MigrateRunStoreAsync().GetAwaiter().GetResult();
        var runs = _services.GetRequiredService<IRunStore>();
        var artifacts = ArtifactStores.Create(_storage, _services.GetRequiredService<IDbContextFactory<RunStoreContext>>(), TimeProvider.System)!;
        var kept = await runs.CreateRunAsync(RunStoreHarness.Tiny(seed: 1));
        var deleted = await runs.CreateRunAsync(RunStoreHarness.Tiny(seed: 2));
        var neverStored = Guid.NewGuid();
        foreach (var (run, size) in new[] { (kept.Id, 100), (deleted.Id, 3000), (neverStored, 500) })
        {
            await artifacts.PutAsync(run, "model.dat", new MemoryStream(new byte[size]), default);
            await artifacts.PutAsync(run, "state/state.json", new MemoryStream(new byte[7]), default);
            Directory.CreateDirectory(Path.Combine(RunStoreSetup.RunsFolder(_storage), run.ToString("N")));
            File.WriteAllBytes(Path.Combine(RunStoreSetup.RunsFolder(_storage), run.ToString("N"), "model.dat"), new byte[size]);
        }
        string stranger = Path.Combine(RunStoreSetup.RunsFolder(_storage), "not-a-run");
        Directory.CreateDirectory(stranger);
        Assert.True(await runs.DeleteRunAsync(deleted.Id));

        var dry = Gc(dryRun: true, json: false);
        Assert.Contains($"would remove 2 artifact(s) of run {deleted.Id}: 3007 bytes", dry);
        Assert.Contains($"would remove 2 artifact(s) of run {neverStored}: 507 bytes", dry);
        Assert.DoesNotContain(kept.Id.ToString(), dry);
        Assert.Contains("would free 7014 bytes", dry);
        Assert.Equal(3, (await artifacts.UsageAsync(default)).Count);
        Assert.Equal(3, Directory.GetDirectories(RunStoreSetup.RunsFolder(_storage)).Length - 1);

        using var report = JsonDocument.Parse(Gc(dryRun: false, json: true));
        var root = report.RootElement;
        Assert.False(root.GetProperty("dryRun").GetBoolean());
        Assert.Equal(new[] { deleted.Id, neverStored }.Order(), root.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("runId").GetGuid()).Order());
        Assert.Equal(new[] { deleted.Id, neverStored }.Order(), root.GetProperty("runFolders").EnumerateArray().Select(a => a.GetProperty("runId").GetGuid()).Order());
        Assert.Equal(3007 + 507 + 3000 + 500, root.GetProperty("bytesFreed").GetInt64());

        Assert.Equal([new ArtifactRunUsage(kept.Id, 2, 107)], await artifacts.UsageAsync(default));
        Assert.Equal(
            new[] { kept.Id.ToString("N"), "not-a-run" }.Order(StringComparer.Ordinal),
            Directory.GetDirectories(RunStoreSetup.RunsFolder(_storage)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("freed 0 bytes", Gc(dryRun: false, json: false)); // nothing left to collect
    }

    [Fact]
    public void Gc_is_a_verb_with_dry_run_and_json()
    {
        var help = CliRun.Of("gc", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--dry-run", help.Stdout);
        Assert.Contains("--json", help.Stdout);
    }

    string Gc(bool dryRun, bool json)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = GcCommand.Run(new CliContext(stdout, stderr, false, default), _services, dryRun, json);
        Assert.True(code == 0, $"gc exited with {code}: {stderr}");
        return stdout.ToString();
    }

    public void Dispose()
    {
        _services.Dispose();
        using (var connection = new SqliteConnection(RunStoreSetup.SqliteConnectionString(_storage))) SqliteConnection.ClearPool(connection);
        _data.Dispose();
    }
}
