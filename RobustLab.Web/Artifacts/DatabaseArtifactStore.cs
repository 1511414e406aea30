using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Artifacts;

/// <summary>
/// Artifacts as chunked rows in the run store's database (Storage:Artifacts=database; docs/architecture.md, "Artifacts"),
/// portable across SQLite, PostgreSQL and SQL Server through EF Core. A write inserts a new blob's chunks inside one
/// transaction while it reads the input, then points the artifact row at the blob and deletes the old one: until the
/// commit nobody sees the new version, and a write that dies (exception, killed process, dropped connection) is rolled
/// back by the database, leaving the previous version as it was. A read streams the chunks in order, one row at a time,
/// hashing them, and throws <see cref="ArtifactCorruptException"/> after the last one when the hash or length differs.
/// </summary>
public sealed class DatabaseArtifactStore(IDbContextFactory<RunStoreContext> contexts, TimeProvider clock) : IArtifactStore
{
    /// <summary>
    /// 1 MiB: small enough that a write or read holds one chunk in memory and every provider takes it as one parameter
    /// without special streaming APIs, large enough that a 100 MB checkpoint is only 100 rows (and round trips).
    /// </summary>
    public const int ChunkSize = 1 << 20;

    public async Task<ArtifactInfo> PutAsync(Guid runId, string name, Stream content, CancellationToken ct)
    {
        ArtifactNames.Require(name);
        ArgumentNullException.ThrowIfNull(content);
        long start = content.CanSeek ? content.Position : -1;
        int attempt = 0;
        await using var db = await contexts.CreateDbContextAsync(ct);
        // SQL Server's retrying strategy refuses user transactions outside it; a retry needs the input again from its start.
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            if (attempt++ > 0)
            {
                if (start < 0) throw new IOException($"Run {runId}: storing artifact {name} failed and its input cannot be read again.");
                content.Position = start;
                db.ChangeTracker.Clear();
            }
            return await WriteAsync(db, runId, name, content, ct);
        });
    }

    async Task<ArtifactInfo> WriteAsync(RunStoreContext db, Guid runId, string name, Stream content, CancellationToken ct)
    {
        // No savepoint per SaveChanges: the transaction is all or nothing anyway, and on PostgreSQL more than 64
        // subtransactions in one transaction slow every other session's snapshots while it runs.
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var blobId = Guid.NewGuid();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkSize];
        long length = 0;
        for (int position = 0; ; position++)
        {
            int filled = await content.ReadAtLeastAsync(buffer, ChunkSize, throwOnEndOfStream: false, ct);
            if (filled == 0 && position > 0) break;
            sha.AppendData(buffer, 0, filled);
            length += filled;
            db.ArtifactChunks.Add(new ArtifactChunkEntity { BlobId = blobId, Position = position, Data = filled == ChunkSize ? buffer : buffer[..filled] });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear(); // only the chunk being written stays in memory
            if (filled < ChunkSize) break;
        }

        var info = new ArtifactInfo(runId, name, length, Convert.ToHexStringLower(sha.GetHashAndReset()), clock.GetUtcNow());
        var row = await db.Artifacts.SingleOrDefaultAsync(a => a.RunId == runId && a.Name == name, ct);
        Guid? oldBlob = row?.BlobId;
        if (row is null) db.Artifacts.Add(row = new ArtifactEntity { RunId = runId, Name = name });
        row.BlobId = blobId;
        row.Length = info.Length;
        row.Sha256 = info.Sha256;
        row.StoredAt = info.StoredAt;
        // A concurrent writer of the same artifact makes this fail (key or concurrency token) and roll back its own blob.
        await db.SaveChangesAsync(ct);
        if (oldBlob is { } old) await db.ArtifactChunks.Where(c => c.BlobId == old).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        return info;
    }

    public async Task<ArtifactInfo?> CopyToAsync(Guid runId, string name, Stream destination, CancellationToken ct)
    {
        ArtifactNames.Require(name);
        ArgumentNullException.ThrowIfNull(destination);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Artifacts.AsNoTracking().SingleOrDefaultAsync(a => a.RunId == runId && a.Name == name, ct);
        if (row is null) return null;

        // One query per chunk: each provider then holds one chunk in memory (SQL Server's retrying strategy buffers a
        // whole result set, which a single query over all chunks would make the whole blob).
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        for (int position = 0; length <= row.Length; position++)
        {
            var data = await db.ArtifactChunks.AsNoTracking()
                .Where(c => c.BlobId == row.BlobId && c.Position == position)
                .Select(c => c.Data)
                .SingleOrDefaultAsync(ct);
            if (data is null) break;
            sha.AppendData(data);
            length += data.Length;
            await destination.WriteAsync(data, ct);
        }
        string actual = Convert.ToHexStringLower(sha.GetHashAndReset());
        if (actual == row.Sha256 && length == row.Length) return Info(row);

        // A writer that replaced the version meanwhile deleted its chunks: not corruption, and the caller may read again.
        bool replaced = !await db.Artifacts.AnyAsync(a => a.RunId == runId && a.Name == name && a.BlobId == row.BlobId, ct);
        if (replaced) throw new IOException($"Run {runId}: artifact {name} was replaced while it was read; read it again.");
        throw actual != row.Sha256
            ? new ArtifactCorruptException(runId, name, row.Sha256, actual)
            : new ArtifactCorruptException(runId, name, $"{row.Sha256} over {row.Length} bytes", $"{actual} over {length} bytes");
    }

    public async Task<IReadOnlyList<ArtifactInfo>> ListAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Artifacts.AsNoTracking().Where(a => a.RunId == runId).ToListAsync(ct);
        // Ordered here: the providers' collations order names differently.
        return rows.Select(Info).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<bool> DeleteAsync(Guid runId, string name, CancellationToken ct)
    {
        ArtifactNames.Require(name);
        return await DeleteWhereAsync(runId, name, ct) > 0;
    }

    public Task<int> DeleteRunAsync(Guid runId, CancellationToken ct) => DeleteWhereAsync(runId, name: null, ct);

    /// <summary>Deletes the run's artifacts (or the one named) and their blobs in one transaction.</summary>
    async Task<int> DeleteWhereAsync(Guid runId, string? name, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var artifacts = db.Artifacts.Where(a => a.RunId == runId && (name == null || a.Name == name));
            await db.ArtifactChunks.Where(c => artifacts.Any(a => a.BlobId == c.BlobId)).ExecuteDeleteAsync(ct);
            int removed = await artifacts.ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
            return removed;
        });
    }

    public async Task<IReadOnlyList<ArtifactRunUsage>> UsageAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var usage = await db.Artifacts.AsNoTracking()
            .GroupBy(a => a.RunId)
            .Select(g => new { RunId = g.Key, Count = g.Count(), Bytes = g.Sum(a => a.Length) })
            .ToListAsync(ct);
        return usage.Select(u => new ArtifactRunUsage(u.RunId, u.Count, u.Bytes)).OrderBy(u => u.RunId).ToList();
    }

    static ArtifactInfo Info(ArtifactEntity a) => new(a.RunId, a.Name, a.Length, a.Sha256, a.StoredAt);
}
