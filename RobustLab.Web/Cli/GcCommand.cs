using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Hosting;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Cli;

/// <summary>
/// <c>robustlab gc [--dry-run] [--json]</c>: removes the artifacts (Storage:Artifacts database or folder) and the run
/// folders under this machine's data folder of runs that the run store no longer has (<see cref="OrphanCollector"/>),
/// and says what it removed and the bytes freed. Configured as for <c>serve</c> (appsettings.json, Storage__...).
/// </summary>
public static class GcCommand
{
    public static Command Create(CliContext context)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be removed; remove nothing." };
        var json = CliOptions.Json();
        var command = new Command("gc", "Remove artifacts and run folders of runs that no longer exist in the run store.") { dryRun, json };
        command.SetAction(parsed =>
        {
            using var services = StoreServices.Build();
            return Run(context, services, parsed.GetValue(dryRun), parsed.GetValue(json));
        });
        return command;
    }

    /// <summary>The verb on a built run store (tests call this with their own store).</summary>
    public static int Run(CliContext context, IServiceProvider services, bool dryRun, bool json)
    {
        services.MigrateRunStoreAsync(context.Cancel).GetAwaiter().GetResult();
        var storage = services.GetRequiredService<StorageOptions>();
        var artifacts = ArtifactStores.Create(storage,
            services.GetRequiredService<IDbContextFactory<RunStoreContext>>(), services.GetRequiredService<TimeProvider>());
        var collector = new OrphanCollector(services.GetRequiredService<IRunStore>(), artifacts,
            [RunStoreSetup.RunsFolder(storage), RunArtifacts.ReadCacheFolder(storage)]);
        var report = collector.CollectAsync(dryRun, context.Cancel).GetAwaiter().GetResult();

        if (json)
        {
            CliJson.Write(context.Out, new
            {
                report.DryRun,
                Artifacts = report.Artifacts.Select(a => new { a.RunId, a.Count, a.Bytes }),
                RunFolders = report.RunFolders.Select(f => new { f.RunId, f.Path, f.Bytes }),
                report.BytesFreed,
            });
            return ExitCodes.Ok;
        }
        string verb = dryRun ? "would remove" : "removed";
        foreach (var a in report.Artifacts)
            context.Out.WriteLine($"{verb} {a.Count} artifact(s) of run {a.RunId}: {Size(a.Bytes)}");
        foreach (var f in report.RunFolders)
            context.Out.WriteLine($"{verb} run folder {f.Path}: {Size(f.Bytes)}");
        context.Out.WriteLine(
            $"{(dryRun ? "would free" : "freed")} {Size(report.BytesFreed)} ({report.Artifacts.Count} run(s)' artifacts, " +
            $"{report.RunFolders.Count} run folder(s); artifacts: {storage.EffectiveArtifacts.ToString().ToLowerInvariant()}, {StoreServices.Describe(services)}).");
        return ExitCodes.Ok;
    }

    static string Size(long bytes) => $"{bytes} bytes ({bytes / 1048576.0:0.0} MiB)";
}
