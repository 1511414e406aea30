using System.Security.Cryptography;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Artifacts;

/// <summary>
/// A run's files on this machine and in the artifact store (docs/architecture.md, "Artifacts"). With
/// <see cref="ArtifactLocation.RunFolder"/> there is no store: the run folder the run store names (RunDir) is the only
/// copy and every method here is a no-op or a plain file check. With a store (database or shared folder) the store is
/// the truth and each process keeps local copies under its own data folder:
/// <list type="bullet">
/// <item>the work folder {data folder}/runs/{id:N}, where a job trains or certifies the run under its lease:
/// <see cref="PullAsync"/> makes it equal to the store before the work, <see cref="PushAsync"/> and
/// <see cref="PushStateAsync"/> copy what the work wrote back;</item>
/// <item>the read cache {data folder}/cache/runs/{id:N}, where downloads and pages get single files
/// (<see cref="EnsureLocalFileAsync"/>). It is a separate folder so that a serve process sharing its data folder with a
/// worker never replaces a file that the worker has written and not pushed yet.</item>
/// </list>
/// </summary>
public sealed class RunArtifacts(StorageOptions storage, IArtifactStore? store, ILogger<RunArtifacts> logger)
{
    public const string StatePrefix = RunPipeline.StateFolder + "/";

    readonly string _runsFolder = RunStoreSetup.RunsFolder(storage);
    readonly string _readCacheFolder = ReadCacheFolder(storage);

    /// <summary>{data folder}/cache/runs: where this machine keeps read copies of runs' files (one folder per run).</summary>
    public static string ReadCacheFolder(StorageOptions storage) => Path.Combine(RunStoreSetup.DataFolder(storage), "cache", "runs");

    /// <summary>True when the run's files live in an artifact store (database or shared folder), not only in run folders.</summary>
    public bool InStore => store is not null;

    /// <summary>The folder where a job on this machine works on the run: RunDir, or the local work folder with a store.</summary>
    public string? WorkDir(RunEntity run) => store is null ? run.RunDir : Path.Combine(_runsFolder, run.Id.ToString("N"));

    /// <summary>The folder holding this machine's read copies of the run's files (<see cref="EnsureLocalFileAsync"/>).</summary>
    public string? ReadDir(RunEntity run) => ReadDir(run.Id, run.RunDir);

    string? ReadDir(Guid runId, string? runDir) => store is null ? runDir : Path.Combine(_readCacheFolder, runId.ToString("N"));

    /// <summary>
    /// Makes the work folder equal to the store: every stored artifact copied in (when missing or different), every
    /// other local file removed, a state folder only when the store has state. Returns what the store holds. A no-op
    /// without a store.
    /// </summary>
    public async Task<IReadOnlyList<ArtifactInfo>> PullAsync(RunEntity run, CancellationToken ct)
    {
        if (store is null) return [];
        string dir = WorkDir(run)!;
        var stored = await store.ListAsync(run.Id, ct);
        Directory.CreateDirectory(dir);
        foreach (var info in stored) await EnsureAtAsync(dir, info, ct);
        var names = stored.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
            if (!names.Contains(ArtifactNames.FromLocalPath(dir, file))) File.Delete(file);
        foreach (string sub in Directory.GetDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
            if (!Directory.EnumerateFileSystemEntries(sub).Any()) Directory.Delete(sub);
        logger.LogInformation("Run {RunId}: pulled {Count} artifact(s) into {Dir}.", run.Id, stored.Count, dir);
        return stored;
    }

    /// <summary>
    /// Copies the named files of the work folder to the store, each only when it differs from the stored version; a
    /// name with no local file is skipped. A no-op without a store.
    /// </summary>
    public async Task PushAsync(RunEntity run, IEnumerable<string> names, CancellationToken ct)
    {
        if (store is null) return;
        string dir = WorkDir(run)!;
        var stored = await StoredByNameAsync(run.Id, ct);
        foreach (string name in names) await PutIfChangedAsync(run.Id, dir, name, stored, ct);
    }

    /// <summary>Every file of the work folder outside state/ that differs from the store (what a job after training changed).</summary>
    public async Task PushChangedAsync(RunEntity run, CancellationToken ct)
    {
        if (store is null) return;
        string dir = WorkDir(run)!;
        if (!Directory.Exists(dir)) return;
        var names = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => ArtifactNames.FromLocalPath(dir, f))
            .Where(n => !n.StartsWith(StatePrefix, StringComparison.Ordinal) && !n.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        await PushAsync(run, names, ct);
    }

    /// <summary>
    /// Makes the store's resume state equal to the work folder's state/: the epoch files first, state.json (which points
    /// to them) after, and then the stored files of earlier epochs deleted. A worker killed at any point leaves a stored
    /// state.json whose files are stored. No local state folder (a finished run) deletes the stored state.
    /// </summary>
    public async Task PushStateAsync(RunEntity run, CancellationToken ct)
    {
        if (store is null) return;
        string dir = WorkDir(run)!;
        string stateDir = Path.Combine(dir, RunPipeline.StateFolder);
        var stored = await StoredByNameAsync(run.Id, ct);
        var local = Directory.Exists(stateDir)
            ? Directory.EnumerateFiles(stateDir).Select(f => ArtifactNames.FromLocalPath(dir, f)).ToHashSet(StringComparer.Ordinal)
            : [];
        string stateJson = StatePrefix + ResumeState.FileName;
        foreach (string name in local.Where(n => n != stateJson).Order(StringComparer.Ordinal))
            await PutIfChangedAsync(run.Id, dir, name, stored, ct);
        if (local.Contains(stateJson)) await PutIfChangedAsync(run.Id, dir, stateJson, stored, ct);
        foreach (string name in stored.Keys.Where(n => n.StartsWith(StatePrefix, StringComparison.Ordinal) && !local.Contains(n)))
            await store.DeleteAsync(run.Id, name, ct);
    }

    /// <summary>
    /// The path of one of the run's files on this machine, or null when the run has no such file. With a store the
    /// artifact is copied into the read cache first, through a temp file renamed into place, and only when the local
    /// copy is missing or its SHA-256 differs from the stored one. A corrupt artifact throws
    /// <see cref="ArtifactCorruptException"/> and leaves nothing behind.
    /// </summary>
    public Task<string?> EnsureLocalFileAsync(RunEntity run, string name, CancellationToken ct) =>
        EnsureLocalFileAsync(run.Id, run.RunDir, name, ct);

    /// <inheritdoc cref="EnsureLocalFileAsync(RunEntity, string, CancellationToken)"/>
    public async Task<string?> EnsureLocalFileAsync(Guid runId, string? runDir, string name, CancellationToken ct)
    {
        ArtifactNames.Require(name);
        if (store is null)
        {
            if (string.IsNullOrWhiteSpace(runDir)) return null;
            string path = ArtifactNames.LocalPath(runDir, name);
            return File.Exists(path) ? path : null;
        }
        string dir = ReadDir(runId, runDir)!;
        var stored = await StoredByNameAsync(runId, ct);
        if (!stored.TryGetValue(name, out var info))
        {
            DeleteIfExists(ArtifactNames.LocalPath(dir, name)); // a stale copy of an artifact that is gone
            return null;
        }
        return await EnsureAtAsync(dir, info, ct);
    }

    /// <summary>
    /// The folder on this machine holding the given files of the run, as far as the run has them (the run folder, or the
    /// read cache after <see cref="EnsureLocalFileAsync"/> for each); null when the run has no folder.
    /// </summary>
    public Task<string?> ReadableDirAsync(RunEntity run, IEnumerable<string> names, CancellationToken ct) =>
        ReadableDirAsync(run.Id, run.RunDir, names, ct);

    /// <inheritdoc cref="ReadableDirAsync(RunEntity, IEnumerable{string}, CancellationToken)"/>
    public async Task<string?> ReadableDirAsync(Guid runId, string? runDir, IEnumerable<string> names, CancellationToken ct)
    {
        foreach (string name in names) await EnsureLocalFileAsync(runId, runDir, name, ct);
        return ReadDir(runId, runDir);
    }

    /// <summary>True when the run has the file (in its run folder, or in the store).</summary>
    public async Task<bool> HasFileAsync(RunEntity run, string name, CancellationToken ct)
    {
        if (store is null) return !string.IsNullOrWhiteSpace(run.RunDir) && File.Exists(ArtifactNames.LocalPath(run.RunDir, name));
        return (await StoredByNameAsync(run.Id, ct)).ContainsKey(name);
    }

    /// <summary>
    /// Adds a line to the run's log from outside a job (a job queued, the plan after training): into the run folder
    /// when it is here, or, with a store, into the stored log when the run has artifacts. Never throws.
    /// </summary>
    public async Task AppendLogAsync(RunEntity run, string line, CancellationToken ct)
    {
        try
        {
            if (store is null)
            {
                if (run.RunDir is { } dir && Directory.Exists(dir)) new Jobs.RunLog(dir, logger).Write(line);
                return;
            }
            var stored = await StoredByNameAsync(run.Id, ct);
            if (stored.Count == 0) return; // nothing of the run is stored yet: no log of one line
            string readDir = ReadDir(run)!;
            if (stored.TryGetValue(Jobs.RunLog.FileName, out var log)) await EnsureAtAsync(readDir, log, ct);
            new Jobs.RunLog(readDir, logger).Write(line);
            await PutIfChangedAsync(run.Id, readDir, Jobs.RunLog.FileName, stored, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Run {RunId}: could not add a line to its stored log.", run.Id);
        }
    }

    /// <summary>Deletes a deleted run's files: its artifacts in the store and its folders on this machine.</summary>
    public async Task DeleteRunAsync(RunEntity run, CancellationToken ct)
    {
        RunFolderCleanup.Delete(run.Id, run.RunDir, logger);
        if (store is null) return;
        RunFolderCleanup.Delete(run.Id, WorkDir(run), logger);
        RunFolderCleanup.Delete(run.Id, ReadDir(run), logger);
        try
        {
            int removed = await store.DeleteRunAsync(run.Id, ct);
            logger.LogInformation("Run {RunId}: {Count} artifact(s) deleted from the store.", run.Id, removed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The row is gone; `robustlab gc` removes artifacts of runs that no longer exist.
            logger.LogWarning(e, "Run {RunId}: its artifacts could not be deleted from the store; `robustlab gc` removes them.", run.Id);
        }
    }

    async Task<Dictionary<string, ArtifactInfo>> StoredByNameAsync(Guid runId, CancellationToken ct) =>
        (await store!.ListAsync(runId, ct)).ToDictionary(a => a.Name, StringComparer.Ordinal);

    /// <summary>The artifact's file under <paramref name="dir"/>, copied from the store unless an equal copy is there.</summary>
    async Task<string> EnsureAtAsync(string dir, ArtifactInfo info, CancellationToken ct)
    {
        string path = ArtifactNames.LocalPath(dir, info.Name);
        if (await SameAsync(path, info, ct)) return path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Through a temp file renamed into place: a corrupt or interrupted copy is never kept.
        await AtomicFile.WriteAsync(path, async file =>
        {
            if (await store!.CopyToAsync(info.RunId, info.Name, file, ct) is null)
                throw new FileNotFoundException($"Run {info.RunId}: artifact {info.Name} left the artifact store while it was copied.");
        });
        return path;
    }

    async Task PutIfChangedAsync(Guid runId, string dir, string name, IReadOnlyDictionary<string, ArtifactInfo> stored, CancellationToken ct)
    {
        string path = ArtifactNames.LocalPath(dir, name);
        if (!File.Exists(path)) return;
        if (stored.TryGetValue(name, out var info) && await SameAsync(path, info, ct)) return;
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, useAsync: true);
        await store!.PutAsync(runId, name, file, ct);
    }

    static async Task<bool> SameAsync(string path, ArtifactInfo info, CancellationToken ct)
    {
        var file = new FileInfo(path);
        if (!file.Exists || file.Length != info.Length) return false;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, useAsync: true);
        return string.Equals(Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct)), info.Sha256, StringComparison.OrdinalIgnoreCase);
    }

    static void DeleteIfExists(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
