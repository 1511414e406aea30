namespace RobustLab.Web.Artifacts;

/// <summary>
/// Where a run's files live when the machines share no filesystem (docs/architecture.md, "Artifacts"): the worker writes
/// into a local run folder (its cache) and copies files here; any machine copies them back. Names are paths relative to
/// the run folder with '/' separators (<see cref="ArtifactNames"/>): "model.dat", "run.json", "state/state.json".
/// Every implementation keeps three promises:
/// <list type="bullet">
/// <item>a new version of (run, name) becomes visible only when it is complete; a write that dies midway (exception,
/// killed process, dropped connection) leaves the previous version readable;</item>
/// <item>content is streamed in both directions, never held in memory whole;</item>
/// <item>a read checks the bytes against the SHA-256 recorded at write time and throws <see cref="ArtifactCorruptException"/>
/// (naming the run and the artifact) when they differ.</item>
/// </list>
/// </summary>
public interface IArtifactStore
{
    /// <summary>Stores <paramref name="content"/> (read to its end) as the new version of (run, name).</summary>
    Task<ArtifactInfo> PutAsync(Guid runId, string name, Stream content, CancellationToken ct);

    /// <summary>
    /// Writes the stored bytes to <paramref name="destination"/>, hashing them on the way; null when there is no such
    /// artifact. Throws <see cref="ArtifactCorruptException"/> after the last byte when the hash differs, so a caller
    /// writes to a temp file and keeps it only when this returns (nothing corrupt is ever served or loaded).
    /// </summary>
    Task<ArtifactInfo?> CopyToAsync(Guid runId, string name, Stream destination, CancellationToken ct);

    /// <summary>The run's artifacts (current versions), ordered by name.</summary>
    Task<IReadOnlyList<ArtifactInfo>> ListAsync(Guid runId, CancellationToken ct);

    /// <summary>Removes one artifact; false when there was none.</summary>
    Task<bool> DeleteAsync(Guid runId, string name, CancellationToken ct);

    /// <summary>Removes every artifact of the run; the number removed.</summary>
    Task<int> DeleteRunAsync(Guid runId, CancellationToken ct);

    /// <summary>Every run that has artifacts, with their count and total bytes (for gc and the sizes in README).</summary>
    Task<IReadOnlyList<ArtifactRunUsage>> UsageAsync(CancellationToken ct);
}

/// <summary>One stored artifact: its current version's length, SHA-256 (lower-case hex) and when it was stored.</summary>
public sealed record ArtifactInfo(Guid RunId, string Name, long Length, string Sha256, DateTimeOffset StoredAt);

/// <summary>What one run's artifacts take in the store.</summary>
public sealed record ArtifactRunUsage(Guid RunId, int Count, long Bytes);

/// <summary>A stored artifact whose bytes no longer hash to the SHA-256 recorded when it was written.</summary>
public sealed class ArtifactCorruptException(Guid runId, string name, string expected, string actual)
    : IOException($"Run {runId}: artifact {name} is corrupt in the artifact store (its bytes hash to SHA-256 {actual}, " +
                           $"{expected} was recorded when it was stored); it is not served or loaded.")
{
    public Guid RunId { get; } = runId;
    public string Name { get; } = name;
}
