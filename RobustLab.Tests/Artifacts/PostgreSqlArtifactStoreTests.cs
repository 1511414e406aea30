using Npgsql;
using RobustLab.Tests.Processes;
using RobustLab.Tests.Runs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Artifacts;

/// <summary>The database store on PostgreSQL (the shared store of worker machines without a shared folder): a database per test.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlArtifactStoreTests(PostgresFixture postgres) : ArtifactStoreContractTests
{
    string _connectionString = "";

    protected override async Task<IArtifactStoreUnderTest> StartAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync(PostgresFixture.UniqueName("artifacts"));
        return new DatabaseArtifactStoreUnderTest(await RunStoreHarness.StartAsync(StorageProvider.PostgreSql, _connectionString));
    }

    [Fact]
    public async Task An_upload_whose_connection_is_killed_midway_leaves_the_previous_version_readable()
    {
        var run = Guid.NewGuid();
        byte[] first = RandomBytes(Chunk * 3 / 2 + 3, seed: 20);
        var stored = await Store.PutAsync(run, "model.dat", new MemoryStream(first), default);

        // The uploader gets its own connections, named so that the server can end exactly them: what the server sees
        // when the worker process is killed mid-write.
        string application = "upload_" + Guid.NewGuid().ToString("N")[..12];
        await using var uploader = new DatabaseArtifactStoreUnderTest(await RunStoreHarness.StartAsync(StorageProvider.PostgreSql,
            new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = application, Pooling = false }.ConnectionString));
        int killed = 0;
        var source = new InterruptedStream(RandomBytes(Chunk * 3, seed: 21), Chunk * 3 / 2, async () =>
        {
            await using var admin = new NpgsqlConnection(_connectionString);
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = @app) AS t", admin);
            kill.Parameters.AddWithValue("app", application);
            killed = Convert.ToInt32(await kill.ExecuteScalarAsync());
        });
        var error = await Record.ExceptionAsync(() => uploader.Store.PutAsync(run, "model.dat", source, default));

        Assert.Equal(1, killed);
        Assert.NotNull(error);
        var (read, info) = await ReadAsync(run, "model.dat");
        Assert.Equal(first, read);
        Assert.Equal(stored, info);
        Assert.Equal(first.Length, await Harness.StoredBytesAsync()); // the killed transaction's chunks were rolled back
    }
}
