namespace RobustLab.Web.Runs;

/// <summary>Which database holds the run store and the Hangfire queue (configuration section "Storage").</summary>
public enum StorageProvider { Sqlite, PostgreSql, SqlServer }

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
}
