using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RobustLab.Web.Artifacts;

namespace RobustLab.Web.Runs;

/// <summary>
/// Composition of the run store: <c>services.AddRunStore(storage)</c> registers the provider's context (as
/// <see cref="RunStoreContext"/>, with a factory for the workers' short-lived contexts), <see cref="IRunStore"/> and the
/// sweep submitter, and the artifact store with <see cref="RunArtifacts"/> (<see cref="ArtifactStoreSetup"/>); <c>await app.Services.MigrateRunStoreAsync()</c> creates or upgrades the schema at start-up.
/// </summary>
public static class RunStoreSetup
{
    /// <summary>File name of the embedded store under <see cref="StorageOptions.DataFolder"/>.</summary>
    public const string SqliteFileName = "robustlab.db";

    /// <summary>Throws an InvalidOperationException naming the setting when <paramref name="storage"/> cannot work.</summary>
    public static void Validate(StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (!Enum.IsDefined(storage.Provider))
            throw new InvalidOperationException($"Storage:Provider '{storage.Provider}' is not supported; use sqlite, postgresql or sqlserver.");
        if (storage.Provider != StorageProvider.Sqlite && string.IsNullOrWhiteSpace(storage.ConnectionString))
            throw new InvalidOperationException(
                $"Storage:ConnectionString is required when Storage:Provider is {storage.Provider.ToString().ToLowerInvariant()} " +
                "(set it in appsettings.json or the environment variable Storage__ConnectionString).");
        if (string.IsNullOrWhiteSpace(storage.DataFolder))
            throw new InvalidOperationException("Storage:DataFolder must name a folder (default \"data\").");
        if (!Enum.IsDefined(storage.EffectiveArtifacts))
            throw new InvalidOperationException($"Storage:Artifacts '{storage.Artifacts}' is not supported; use runfolder, database or folder.");
        if (storage.EffectiveArtifacts == ArtifactLocation.Folder && string.IsNullOrWhiteSpace(storage.ArtifactFolder))
            throw new InvalidOperationException(
                "Storage:ArtifactFolder is required when Storage:Artifacts is folder: a folder that every machine mounts " +
                "(set it in appsettings.json or the environment variable Storage__ArtifactFolder).");
    }

    /// <summary>The data folder as an absolute path (relative paths are taken from the working directory).</summary>
    public static string DataFolder(StorageOptions storage) => Path.GetFullPath(storage.DataFolder);

    /// <summary>The folder of the run folders ({data folder}/runs/{id:N}); with database or folder artifacts, this machine's cache.</summary>
    public static string RunsFolder(StorageOptions storage) => Path.Combine(DataFolder(storage), "runs");

    /// <summary>
    /// The SQLite connection string: Storage:ConnectionString when set, else the file robustlab.db in the data folder
    /// (which is created). Pooled, with a 30 s default timeout that Microsoft.Data.Sqlite also uses to retry a busy lock.
    /// </summary>
    public static string SqliteConnectionString(StorageOptions storage)
    {
        var builder = new SqliteConnectionStringBuilder(storage.ConnectionString ?? "");
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            string folder = DataFolder(storage);
            Directory.CreateDirectory(folder);
            builder.DataSource = Path.Combine(folder, SqliteFileName);
        }
        builder.Pooling = true;
        if (builder.DefaultTimeout < 30) builder.DefaultTimeout = 30;
        return builder.ToString();
    }

    public static IServiceCollection AddRunStore(this IServiceCollection services, StorageOptions storage)
    {
        Validate(storage);
        services.TryAddSingleton(TimeProvider.System);
        switch (storage.Provider)
        {
            case StorageProvider.Sqlite:
                string sqlite = SqliteConnectionString(storage);
                AddContext<SqliteRunStoreContext>(services, o => o.UseSqlite(sqlite).AddInterceptors(new SqlitePragmas()));
                break;
            case StorageProvider.PostgreSql:
                AddContext<PostgreSqlRunStoreContext>(services, o => o.UseNpgsql(storage.ConnectionString));
                break;
            case StorageProvider.SqlServer:
                AddContext<SqlServerRunStoreContext>(services, o => o.UseSqlServer(storage.ConnectionString, sql => sql.EnableRetryOnFailure()));
                break;
        }
        services.AddSingleton<IRunStore>(sp => new EfRunStore(
            sp.GetRequiredService<IDbContextFactory<RunStoreContext>>(), storage, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SweepSubmitter>();
        services.AddArtifactStore(storage);
        return services;
    }

    /// <summary>Applies pending migrations of the configured provider (creates the database file or schema when new).</summary>
    public static async Task MigrateRunStoreAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<RunStoreContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
    }

    static void AddContext<TContext>(IServiceCollection services, Action<DbContextOptionsBuilder> configure) where TContext : RunStoreContext
    {
        services.AddDbContextFactory<TContext>(configure);
        services.AddSingleton<IDbContextFactory<RunStoreContext>>(sp => new BaseFactory<TContext>(sp.GetRequiredService<IDbContextFactory<TContext>>()));
        services.AddScoped<RunStoreContext>(sp => sp.GetRequiredService<IDbContextFactory<RunStoreContext>>().CreateDbContext());
    }

    /// <summary>Hands out the provider's context as the base type that services depend on.</summary>
    sealed class BaseFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<RunStoreContext> where TContext : RunStoreContext
    {
        public RunStoreContext CreateDbContext() => inner.CreateDbContext();
        public async Task<RunStoreContext> CreateDbContextAsync(CancellationToken ct = default) => await inner.CreateDbContextAsync(ct);
    }
}
