namespace RobustLab.Web.Runs;

/// <summary>Which database holds the run store and the Hangfire queue (configuration section "Storage").</summary>
public enum StorageProvider { Sqlite, PostgreSql, SqlServer }

/// <summary>
/// Where runs' files (checkpoints, run.json, resume state, reports) are kept ("Storage:Artifacts"):
/// <list type="bullet">
/// <item><c>runfolder</c>: each run's folder under the data folder is the only copy (the embedded default; several
/// machines then need the data folder on a shared mount at the same path);</item>
/// <item><c>database</c>: blobs in the run store's database, each worker keeps a local cache folder (the default with
/// PostgreSQL and SQL Server: no shared mount needed);</item>
/// <item><c>folder</c>: a shared folder (<see cref="StorageOptions.ArtifactFolder"/>), with local caches as for database.</item>
/// </list>
/// </summary>
public enum ArtifactLocation { RunFolder, Database, Folder }

/// <summary>
/// "Storage": { "Provider": "sqlite" | "postgresql" | "sqlserver", "ConnectionString": "..." }. The embedded default
/// (SQLite) needs no connection string: its files live under the data folder (robustlab.db and hangfire.db).
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;
    public string? ConnectionString { get; set; }
    /// <summary>Folder for the SQLite files and the run folders (runs/{id}); relative to the working directory.</summary>
    public string DataFolder { get; set; } = "data";
    /// <summary>Null: <see cref="ArtifactLocation.RunFolder"/> on SQLite, <see cref="ArtifactLocation.Database"/> otherwise.</summary>
    public ArtifactLocation? Artifacts { get; set; }
    /// <summary>The shared folder when <see cref="Artifacts"/> is <see cref="ArtifactLocation.Folder"/>.</summary>
    public string? ArtifactFolder { get; set; }

    /// <summary>The artifact location in effect (the setting, or the provider's default).</summary>
    public ArtifactLocation EffectiveArtifacts => Artifacts ?? (Provider == StorageProvider.Sqlite ? ArtifactLocation.RunFolder : ArtifactLocation.Database);
}
