using RobustLab.Tests.Loop;
using Npgsql;

namespace RobustLab.Tests.Processes;

/// <summary>The throwaway PostgreSQL cluster: it starts, answers queries, is private, and its databases are independent.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFixtureTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Cluster_answers_select_version_on_its_own_loopback_port()
    {
        string cs = await postgres.CreateDatabaseAsync(PostgresFixture.UniqueName("version"));
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();

        string version = (string)(await new NpgsqlCommand("select version()", connection).ExecuteScalarAsync())!;
        Assert.StartsWith("PostgreSQL ", version);
        Assert.Equal("127.0.0.1", await Show(connection, "listen_addresses"));
        Assert.Equal(postgres.Port.ToString(), await Show(connection, "port"));
        // Its own data folder under /tmp, never a system-wide cluster.
        Assert.Equal(postgres.DataDir, await Show(connection, "data_directory"));
        Assert.StartsWith(Path.GetTempPath(), postgres.DataDir);
    }

    [Fact]
    public async Task Two_databases_are_independent()
    {
        string a = await postgres.CreateDatabaseAsync(PostgresFixture.UniqueName("indep_a"));
        string b = await postgres.CreateDatabaseAsync(PostgresFixture.UniqueName("indep_b"));

        await using (var ca = new NpgsqlConnection(a))
        {
            await ca.OpenAsync();
            await new NpgsqlCommand("create table marker (id int primary key); insert into marker values (42);", ca).ExecuteNonQueryAsync();
            Assert.Equal(42, (int)(await new NpgsqlCommand("select id from marker", ca).ExecuteScalarAsync())!);
        }
        await using (var cb = new NpgsqlConnection(b))
        {
            await cb.OpenAsync();
            var exists = await new NpgsqlCommand("select to_regclass('public.marker') is not null", cb).ExecuteScalarAsync();
            Assert.Equal(false, exists);
        }
    }

    [Fact]
    public async Task Creating_an_existing_database_fails_and_bad_names_are_refused()
    {
        string name = PostgresFixture.UniqueName("twice");
        await postgres.CreateDatabaseAsync(name);
        await Assert.ThrowsAsync<PostgresException>(() => postgres.CreateDatabaseAsync(name));
        await Assert.ThrowsAsync<ArgumentException>(() => postgres.CreateDatabaseAsync("x\"; drop database postgres; --"));
    }

    [Fact]
    public void Finds_the_newest_installed_server_binaries()
    {
        string? bin = PostgresFixture.FindBinDir();
        Assert.True(bin is not null, "No PostgreSQL under /usr/lib/postgresql/*/bin: run scripts/setup.sh (apt-get install postgresql).");
        Assert.Equal(postgres.BinDir, bin);
        Assert.True(File.Exists(Path.Combine(bin, "pg_ctl")));
    }

    [Fact]
    public void Missing_server_binaries_fail_with_a_message_to_run_the_setup_script()
    {
        using var empty = new Loop.TempFolder();
        Directory.CreateDirectory(Path.Combine(empty.Path, "15", "bin")); // a version folder without the server in it

        Assert.Null(PostgresFixture.FindBinDir(empty.Path));
        var e = Assert.Throws<InvalidOperationException>(() => PostgresFixture.RequireBinDir(empty.Path));
        Assert.Contains("scripts/setup.sh", e.Message);
        Assert.Contains("postgresql", e.Message);
    }

    [Fact]
    public void The_newest_version_folder_wins()
    {
        using var root = new Loop.TempFolder();
        foreach (string version in new[] { "9.6", "13", "15", "16" })
        {
            string bin = Directory.CreateDirectory(Path.Combine(root.Path, version, "bin")).FullName;
            // 16 lacks postgres itself, so it does not count.
            foreach (string tool in version == "16" ? new[] { "initdb", "pg_ctl" } : new[] { "initdb", "pg_ctl", "postgres" })
                File.WriteAllText(Path.Combine(bin, tool), "");
        }

        Assert.Equal(Path.Combine(root.Path, "15", "bin"), PostgresFixture.FindBinDir(root.Path));
    }

    static async Task<string> Show(NpgsqlConnection connection, string setting) =>
        (string)(await new NpgsqlCommand($"show {setting}", connection).ExecuteScalarAsync())!;
}
