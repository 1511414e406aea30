using System.Security.Cryptography;
using System.Text.Json;
using RobustLab.Training.Checkpoints;

namespace RobustLab.Web.Artifacts;

/// <summary>
/// Artifacts in a folder that every machine mounts (Storage:Artifacts=folder; docs/architecture.md, "Artifacts"). Each
/// version is an immutable blob file, and a small index file per artifact says which blob is current, with its length
/// and SHA-256:
/// <code>
/// {root}/{runId:N}/blobs/{blobId:N}          the bytes of one version
/// {root}/{runId:N}/index/{name}.json         {"name", "blob", "length", "sha256", "storedAt"}
/// </code>
/// Both are written through <see cref="AtomicFile"/> (temp file, flush, rename), the blob first. A crash before the index
/// is renamed leaves the old index pointing at the old blob (the previous version, consistent); one after it leaves only
/// an unreferenced old blob, which goes with the run's folder.
/// </summary>
public sealed class FolderArtifactStore(string root, TimeProvider clock) : IArtifactStore
{
    const string BlobsFolder = "blobs", IndexFolder = "index", IndexSuffix = ".json";
    const int BufferSize = 1 << 20;
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    readonly string _root = Path.GetFullPath(root);

    /// <summary>The content of one index file.</summary>
    sealed record IndexEntry(string Name, Guid Blob, long Length, string Sha256, DateTimeOffset StoredAt)
    {
        public ArtifactInfo Info(Guid runId) => new(runId, Name, Length, Sha256, StoredAt);
    }

    public async Task<ArtifactInfo> PutAsync(Guid runId, string name, Stream content, CancellationToken ct)
    {
        ArtifactNames.Require(name);
        ArgumentNullException.ThrowIfNull(content);
        string blobs = Directory.CreateDirectory(Path.Combine(RunDir(runId), BlobsFolder)).FullName;
        var blob = Guid.NewGuid();
        string blobPath = Path.Combine(blobs, blob.ToString("N"));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        await AtomicFile.WriteAsync(blobPath, async file =>
        {
            var buffer = new byte[BufferSize];
            int read;
            while ((read = await content.ReadAsync(buffer, ct)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                length += read;
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        });

        var entry = new IndexEntry(name, blob, length, Convert.ToHexStringLower(sha.GetHashAndReset()), clock.GetUtcNow());
        IndexEntry? previous;
        try
        {
            previous = TryReadIndex(runId, name);
            string index = IndexPath(runId, name);
            Directory.CreateDirectory(Path.GetDirectoryName(index)!);
            AtomicFile.WriteAllBytes(index, JsonSerializer.SerializeToUtf8Bytes(entry, Json));
        }
        catch
        {
            TryDelete(blobPath); // the new version never became visible
            throw;
        }
        if (previous is not null) TryDelete(BlobPath(runId, previous.Blob));
        return entry.Info(runId);
    }

    public async Task<ArtifactInfo?> CopyToAsync(Guid runId, string name, Stream destination, CancellationToken ct)
    {
        ArtifactNames.Require(name);
        ArgumentNullException.ThrowIfNull(destination);
        // A writer may replace the version (and delete its blob) between reading the index and opening the blob: read the index again.
        for (int attempt = 1; ; attempt++)
        {
            if (TryReadIndex(runId, name) is not { } entry) return null;
            FileStream file;
            try { file = new FileStream(BlobPath(runId, entry.Blob), FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true); }
            catch (FileNotFoundException) when (attempt < 3 && TryReadIndex(runId, name)?.Blob != entry.Blob) { continue; }
            catch (FileNotFoundException)
            {
                throw new ArtifactCorruptException(runId, name, entry.Sha256, $"nothing (its file {BlobPath(runId, entry.Blob)} is missing)");
            }
            await using (file)
            {
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[BufferSize];
                long length = 0;
                int read;
                while ((read = await file.ReadAsync(buffer, ct)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    length += read;
                    await destination.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                string actual = Convert.ToHexStringLower(sha.GetHashAndReset());
                if (actual != entry.Sha256) throw new ArtifactCorruptException(runId, name, entry.Sha256, actual);
                if (length != entry.Length)
                    throw new ArtifactCorruptException(runId, name, $"{entry.Sha256} over {entry.Length} bytes", $"{actual} over {length} bytes");
                return entry.Info(runId);
            }
        }
    }

    public Task<IReadOnlyList<ArtifactInfo>> ListAsync(Guid runId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ArtifactInfo>>(Entries(runId).Select(e => e.Info(runId)).OrderBy(a => a.Name, StringComparer.Ordinal).ToList());

    public Task<bool> DeleteAsync(Guid runId, string name, CancellationToken ct)
    {
        ArtifactNames.Require(name);
        if (TryReadIndex(runId, name) is not { } entry) return Task.FromResult(false);
        File.Delete(IndexPath(runId, name)); // invisible from here on; the blob is only bytes now
        TryDelete(BlobPath(runId, entry.Blob));
        return Task.FromResult(true);
    }

    public Task<int> DeleteRunAsync(Guid runId, CancellationToken ct)
    {
        string dir = RunDir(runId);
        if (!Directory.Exists(dir)) return Task.FromResult(0);
        int count = Entries(runId).Count();
        Directory.Delete(dir, recursive: true);
        return Task.FromResult(count);
    }

    public Task<IReadOnlyList<ArtifactRunUsage>> UsageAsync(CancellationToken ct)
    {
        var usage = new List<ArtifactRunUsage>();
        if (Directory.Exists(_root))
            foreach (string dir in Directory.EnumerateDirectories(_root))
            {
                // Only folders named like a run id are ours; anything else in the shared folder is left alone.
                if (!Guid.TryParseExact(Path.GetFileName(dir), "N", out var runId)) continue;
                var entries = Entries(runId).ToList();
                if (entries.Count > 0) usage.Add(new ArtifactRunUsage(runId, entries.Count, entries.Sum(e => e.Length)));
            }
        return Task.FromResult<IReadOnlyList<ArtifactRunUsage>>(usage.OrderBy(u => u.RunId).ToList());
    }

    string RunDir(Guid runId) => Path.Combine(_root, runId.ToString("N"));
    string BlobPath(Guid runId, Guid blob) => Path.Combine(RunDir(runId), BlobsFolder, blob.ToString("N"));
    string IndexPath(Guid runId, string name) => ArtifactNames.LocalPath(Path.Combine(RunDir(runId), IndexFolder), name) + IndexSuffix;

    IEnumerable<IndexEntry> Entries(Guid runId)
    {
        string index = Path.Combine(RunDir(runId), IndexFolder);
        if (!Directory.Exists(index)) yield break;
        foreach (string path in Directory.EnumerateFiles(index, "*" + IndexSuffix, SearchOption.AllDirectories))
        {
            if (Path.GetFileName(path).StartsWith('.')) continue; // an AtomicFile temp file of a write in progress or crashed
            string name = ArtifactNames.FromLocalPath(index, path)[..^IndexSuffix.Length];
            if (TryReadIndex(runId, name) is { } entry) yield return entry;
        }
    }

    /// <summary>The artifact's index entry; null when there is none. An index that does not parse or names another artifact is an error naming both.</summary>
    IndexEntry? TryReadIndex(Guid runId, string name)
    {
        string path = IndexPath(runId, name);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
        IndexEntry? entry;
        try { entry = JsonSerializer.Deserialize<IndexEntry>(bytes, Json); }
        catch (JsonException e) { throw new IOException($"Run {runId}: artifact {name} has an unreadable index file {path}: {e.Message}", e); }
        if (entry is null || entry.Name != name || entry.Sha256.Length != 64)
            throw new IOException($"Run {runId}: artifact {name} has an index file {path} that does not describe it.");
        return entry;
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* an unreferenced blob: harmless, removed with the run */ }
    }
}
