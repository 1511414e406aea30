using RobustLab.Web.Runs;

namespace RobustLab.Web.Artifacts;

/// <summary>What <c>robustlab gc</c> removed (or, on a dry run, would remove).</summary>
public sealed record OrphanReport(bool DryRun, IReadOnlyList<ArtifactRunUsage> Artifacts, IReadOnlyList<OrphanFolder> RunFolders)
{
    public long BytesFreed => Artifacts.Sum(a => a.Bytes) + RunFolders.Sum(f => f.Bytes);
}

/// <summary>A run folder whose run is no longer in the run store.</summary>
public sealed record OrphanFolder(Guid RunId, string Path, long Bytes);

/// <summary>
/// Finds what outlived its run: artifacts in the artifact store, and run folders under this machine's folders of runs
/// (the runs folder and the read cache), of runs that the run store no longer has (deleted while a worker uploaded, or on a machine that only caches them).
/// Only folders named like a run id are considered, as <see cref="RunFolderCleanup"/> does.
/// </summary>
public sealed class OrphanCollector(IRunStore runs, IArtifactStore? artifacts, IReadOnlyList<string> runsFolders)
{
    public async Task<OrphanReport> CollectAsync(bool dryRun, CancellationToken ct)
    {
        var orphanArtifacts = new List<ArtifactRunUsage>();
        if (artifacts is not null)
            foreach (var usage in await artifacts.UsageAsync(ct))
            {
                if (await runs.GetRunAsync(usage.RunId, ct: ct) is not null) continue;
                if (!dryRun) await artifacts.DeleteRunAsync(usage.RunId, ct);
                orphanArtifacts.Add(usage);
            }

        var orphanFolders = new List<OrphanFolder>();
        foreach (string runsFolder in runsFolders.Where(Directory.Exists))
            foreach (string dir in Directory.EnumerateDirectories(runsFolder).Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileName(dir);
                if (!Guid.TryParseExact(name, "N", out var id) && !Guid.TryParseExact(name, "D", out id)) continue;
                if (await runs.GetRunAsync(id, ct: ct) is not null) continue;
                long bytes = new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
                if (!dryRun) Directory.Delete(dir, recursive: true);
                orphanFolders.Add(new OrphanFolder(id, dir, bytes));
            }
        return new OrphanReport(dryRun, orphanArtifacts, orphanFolders);
    }
}
