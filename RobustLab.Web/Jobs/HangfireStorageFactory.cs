using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The Hangfire storage for the "Storage" switch that also picks the run store. Duplicate delivery of a long run is
/// made rare here (sliding invisibility on PostgreSQL and SQL Server, hours of invisibility on SQLite); the run lease
/// is what rules it out (see README, "How a run stays on one worker").
/// </summary>
public static class HangfireStorageFactory
{
    public const string SqliteFileName = "hangfire.db";

    public static JobStorage Create(StorageOptions storage, WorkerOptions workers) => storage.Provider switch
    {
        StorageProvider.Sqlite => CreateSqlite(storage, workers),
        StorageProvider.PostgreSql => CreatePostgreSql(RequireConnectionString(storage), workers),
        StorageProvider.SqlServer => CreateSqlServer(RequireConnectionString(storage), workers),
        _ => throw new ArgumentOutOfRangeException(nameof(storage), $"Storage:Provider: unknown provider '{storage.Provider}'."),
    };

    /// <summary>The SQLite file beside the run store: &lt;DataFolder&gt;/hangfire.db.</summary>
    public static string SqlitePath(StorageOptions storage) => Path.GetFullPath(Path.Combine(storage.DataFolder, SqliteFileName));

    static JobStorage CreateSqlite(StorageOptions storage, WorkerOptions workers)
    {
        string path = SqlitePath(storage);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // No sliding invisibility in this storage: a fetched job stays invisible for InvisibilityTimeout, then is
        // delivered again even if its worker is still training. Hours, so that is rare; the lease makes it harmless.
        return new SQLiteStorage(path, new SQLiteStorageOptions
        {
            InvisibilityTimeout = workers.SqliteInvisibilityTimeout,
            QueuePollInterval = workers.QueuePollInterval,
        });
    }

    static JobStorage CreatePostgreSql(string connectionString, WorkerOptions workers)
    {
        var options = new PostgreSqlStorageOptions
        {
            // The server's background process keeps a running job's fetch time fresh, so a modest timeout only
            // bites when the worker died: its job becomes visible again that long after the last refresh.
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = workers.PostgreSqlInvisibilityTimeout,
            QueuePollInterval = workers.QueuePollInterval,
            PrepareSchemaIfNecessary = true,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }

    static JobStorage CreateSqlServer(string connectionString, WorkerOptions workers) =>
        // Hangfire 1.8's recommended settings: sliding invisibility (a running job's fetch is kept alive by the
        // server), long-polling dequeue without a poll delay, recommended isolation level, no global locks.
        new SqlServerStorage(connectionString, new SqlServerStorageOptions
        {
            SlidingInvisibilityTimeout = workers.SqlServerSlidingInvisibilityTimeout,
            CommandBatchMaxTimeout = TimeSpan.FromMinutes(5),
            QueuePollInterval = TimeSpan.Zero,
            UseRecommendedIsolationLevel = true,
            DisableGlobalLocks = true,
            PrepareSchemaIfNecessary = true,
        });

    static string RequireConnectionString(StorageOptions storage) =>
        string.IsNullOrWhiteSpace(storage.ConnectionString)
            ? throw new InvalidOperationException(
                $"Storage:ConnectionString is required for Storage:Provider '{storage.Provider.ToString().ToLowerInvariant()}' " +
                "(set it in appsettings.json or as the environment variable Storage__ConnectionString).")
            : storage.ConnectionString;
}
