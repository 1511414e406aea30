using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Runs;

public sealed class RunStoreSetupTests
{
    [Theory]
    [InlineData(StorageProvider.PostgreSql)]
    [InlineData(StorageProvider.SqlServer)]
    public void A_server_provider_without_a_connection_string_is_refused_naming_the_setting(StorageProvider provider)
    {
        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddRunStore(new StorageOptions { Provider = provider }));
        Assert.Contains("Storage:ConnectionString", e.Message);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite, typeof(SqliteRunStoreContext))]
    [InlineData(StorageProvider.PostgreSql, typeof(PostgreSqlRunStoreContext))]
    [InlineData(StorageProvider.SqlServer, typeof(SqlServerRunStoreContext))]
    public void AddRunStore_registers_the_providers_context_behind_the_base_type(StorageProvider provider, Type contextType)
    {
        string folder = Path.Combine(Path.GetTempPath(), "robustlab-setup-" + Guid.NewGuid().ToString("N"));
        try
        {
            var services = new ServiceCollection().AddRunStore(new StorageOptions
            {
                Provider = provider, DataFolder = folder,
                ConnectionString = provider == StorageProvider.Sqlite ? null : "Host=127.0.0.1;Database=x;Server=127.0.0.1",
            }).BuildServiceProvider();
            using var db = services.GetRequiredService<IDbContextFactory<RunStoreContext>>().CreateDbContext();
            Assert.IsType(contextType, db);
            using var scope = services.CreateScope();
            Assert.IsType(contextType, scope.ServiceProvider.GetRequiredService<RunStoreContext>());
            Assert.IsType<EfRunStore>(services.GetRequiredService<IRunStore>());
        }
        finally { try { Directory.Delete(folder, true); } catch (IOException) { } }
    }

    [Fact]
    public void The_sqlite_default_is_robustlab_db_in_the_data_folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "robustlab-setup-" + Guid.NewGuid().ToString("N"));
        try
        {
            string cs = RunStoreSetup.SqliteConnectionString(new StorageOptions { DataFolder = folder });
            Assert.Contains(Path.Combine(folder, "robustlab.db"), cs);
            Assert.True(Directory.Exists(folder));
        }
        finally { try { Directory.Delete(folder, true); } catch (IOException) { } }
    }

    public static TheoryData<string> Providers => new() { "Sqlite", "PostgreSql", "SqlServer" };

    static RunStoreContext DesignContext(string provider) => provider switch
    {
        "Sqlite" => new SqliteRunStoreContextDesignFactory().CreateDbContext([]),
        "PostgreSql" => new PostgreSqlRunStoreContextDesignFactory().CreateDbContext([]),
        _ => new SqlServerRunStoreContextDesignFactory().CreateDbContext([]),
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public void Each_provider_has_its_own_migrations_that_match_the_model(string provider)
    {
        using var db = DesignContext(provider);
        var migrations = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(migrations);
        Assert.Contains(migrations, m => m.EndsWith("_Initial", StringComparison.Ordinal));
        // Migrations of one provider are not those of another: each context type owns its history.
        var assembly = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly>();
        Assert.All(assembly.Migrations.Values, t => Assert.Contains($".Migrations.{provider}", t.Namespace));
        Assert.False(db.Database.HasPendingModelChanges(), $"{provider}: the model has changes that no migration covers; run dotnet ef migrations add.");
    }

    [Theory]
    [InlineData("PostgreSql", "CREATE TABLE \"Runs\"")]
    [InlineData("SqlServer", "CREATE TABLE [Runs]")]
    [InlineData("Sqlite", "CREATE TABLE \"Runs\"")]
    public void The_create_script_is_generated_without_a_server(string provider, string expected)
    {
        using var db = DesignContext(provider);
        string script = db.Database.GenerateCreateScript();
        Assert.Contains(expected, script);
        Assert.Contains("IX_Epochs_RunId_Epoch", script);
        var migrator = db.GetService<IMigrator>();
        Assert.Contains("Runs", migrator.GenerateScript());
    }

    [Theory]
    [InlineData("PostgreSql", "\"Data\" bytea NOT NULL")]
    [InlineData("SqlServer", "[Data] varbinary(max) NOT NULL")]
    [InlineData("Sqlite", "\"Data\" BLOB NOT NULL")]
    public void Artifact_chunks_are_each_providers_plain_binary_column_keyed_by_blob_and_position(string provider, string dataColumn)
    {
        using var db = DesignContext(provider);
        string script = db.Database.GenerateCreateScript();
        Assert.Contains(dataColumn, script);
        Assert.Contains("PK_ArtifactChunks", script);
        Assert.Contains("PK_Artifacts", script);
        Assert.DoesNotContain("FK_Artifact", script); // a run may be deleted while its worker uploads; gc collects
    }

    [Fact]
    public void Folder_artifacts_without_a_folder_are_refused_naming_the_setting()
    {
        var e = Assert.Throws<InvalidOperationException>(() => RunStoreSetup.Validate(new StorageOptions { Artifacts = ArtifactLocation.Folder }));
        Assert.Contains("Storage:ArtifactFolder", e.Message);
    }
}
