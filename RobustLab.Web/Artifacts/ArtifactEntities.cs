namespace RobustLab.Web.Artifacts;

/// <summary>
/// The current version of one artifact in the database (table Artifacts, key (RunId, Name)): which blob holds its bytes
/// and the length and SHA-256 recorded when it was written. No foreign key to Runs: a run row may be deleted while a
/// worker still uploads, and <c>robustlab gc</c> removes the artifacts of runs that no longer exist.
/// </summary>
public class ArtifactEntity
{
    public Guid RunId { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The blob (rows of <see cref="ArtifactChunkEntity"/>) of the current version; a concurrency token, so two
    /// writers replacing the same version cannot both win and leave a blob that nothing points at.</summary>
    public Guid BlobId { get; set; }
    public long Length { get; set; }
    /// <summary>Lower-case hex SHA-256 of the whole content.</summary>
    public string Sha256 { get; set; } = "";
    public DateTimeOffset StoredAt { get; set; }
}

/// <summary>
/// One chunk of a blob (table ArtifactChunks, key (BlobId, Position)): bytes [Position * chunk size, ...) of the content.
/// A blob has at least one chunk (an empty artifact has one empty chunk), so a read finds the artifact and its bytes in one query.
/// </summary>
public class ArtifactChunkEntity
{
    public Guid BlobId { get; set; }
    public int Position { get; set; }
    public byte[] Data { get; set; } = [];
}
