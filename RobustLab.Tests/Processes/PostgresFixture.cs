using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace RobustLab.Tests.Processes;

/// <summary>
/// A throwaway PostgreSQL cluster for one test collection: initdb into a fresh folder under /tmp, trust authentication on
/// 127.0.0.1 only (plus the Unix socket inside that private folder), a free loopback port, and <c>pg_ctl -m immediate
/// stop</c> plus deletion of the folder at the end. It never touches a system-wide cluster.
/// <para>
/// initdb and postgres refuse to run as root, so when the tests run as root (CI does) the cluster runs as the
/// <c>postgres</c> system user that the Debian package creates (through <c>setpriv</c>); otherwise it runs as the
/// current user. When the PostgreSQL server binaries are missing, <see cref="InitializeAsync"/> fails (every test of the
/// collection fails with the message): run scripts/setup.sh, which installs the Debian package <c>postgresql</c>.
/// </para>
/// Use it through <c>[Collection(PostgresCollection.Name)]</c> and a constructor parameter of this type.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    const string SuperUser = "postgres";
    static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(90);

    string? _root;
    bool _started;
    int _stopped;

    /// <summary>Folder holding the PostgreSQL binaries in use (the newest /usr/lib/postgresql/N/bin).</summary>
    public string BinDir { get; private set; } = "";
    /// <summary>The private folder of this cluster: data/, postgres.log and the Unix socket.</summary>
    public string RootDir => _root ?? throw new InvalidOperationException("The cluster is not initialised.");
    public string DataDir => Path.Combine(RootDir, "data");
    public string LogFile => Path.Combine(RootDir, "postgres.log");
    public int Port { get; private set; }
    /// <summary>"postgres" when the tests run as root (the cluster runs as that system user), else null (runs as us).</summary>
    public string? RunAsUser { get; private set; }

    /// <summary>Superuser connection string to the maintenance database "postgres" (no pooling).</summary>
    public string AdminConnectionString => Build("postgres", pooling: false);

    public async Task InitializeAsync()
    {
        BinDir = RequireBinDir();

        (int uid, int gid)? owner = null;
        if (geteuid() == 0)
        {
            owner = LookUpUser(SuperUser) ?? throw new InvalidOperationException(
                "The tests run as root, and initdb refuses root, but the 'postgres' system user (created by the Debian " +
                "package 'postgresql') does not exist. Run scripts/setup.sh.");
            RunAsUser = SuperUser;
        }

        _root = Path.Combine(Path.GetTempPath(), "robustlab-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit; // a test host that exits without disposing still stops the cluster
        try
        {
            if (owner is { } o)
                await RunToolAsync("chown", [$"{o.uid}:{o.gid}", _root], asClusterUser: false);

            await RunToolAsync(Path.Combine(BinDir, "initdb"),
                ["-D", DataDir, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]);

            // Trust only on the private socket folder and 127.0.0.1; no other address is listened on or accepted.
            await File.WriteAllTextAsync(Path.Combine(DataDir, "pg_hba.conf"),
                "# robustlab test cluster\nlocal all all trust\nhost all all 127.0.0.1/32 trust\n");
            await File.AppendAllTextAsync(Path.Combine(DataDir, "postgresql.conf"), $"""

                # robustlab test cluster
                listen_addresses = '127.0.0.1'
                unix_socket_directories = '{_root}'
                max_connections = 300
                shared_buffers = 64MB
                fsync = off
                synchronous_commit = off
                full_page_writes = off
                """ + "\n");

            await StartAsync();
            await WaitUntilAcceptingAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Creates an empty database (name: lower-case letters, digits and '_') and returns a connection string to it as the
    /// superuser over TCP on 127.0.0.1, the way a worker machine would connect.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        if (!Regex.IsMatch(name, "^[a-z_][a-z0-9_]{0,62}$"))
            throw new ArgumentException($"Database name '{name}' must be lower-case letters, digits and '_' (at most 63).", nameof(name));
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return Build(name, pooling: true);
    }

    /// <summary>A database name that no other test of this run uses: prefix plus a random suffix.</summary>
    public static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];

    /// <summary>The server log so far (for assertion messages).</summary>
    public string ReadLog()
    {
        try { return _root is null ? "" : File.ReadAllText(LogFile); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    public async Task DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        NpgsqlConnection.ClearAllPools();
        if (_root is null) return;
        if (_started)
        {
            try { await RunToolAsync(Path.Combine(BinDir, "pg_ctl"), ["-D", DataDir, "-m", "immediate", "-w", "-t", "30", "stop"]); }
            catch (Exception) { KillPostmaster(); }
        }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    void OnProcessExit(object? sender, EventArgs e)
    {
        try { DisposeAsync().GetAwaiter().GetResult(); } catch { /* the process is going away */ }
    }

    async Task StartAsync()
    {
        // The port is free when chosen but may be taken before postgres binds it: retry with another one.
        for (int attempt = 1; ; attempt++)
        {
            Port = LoopbackPort.GetFree();
            try
            {
                await RunToolAsync(Path.Combine(BinDir, "pg_ctl"),
                    ["-D", DataDir, "-l", LogFile, "-w", "-t", "60", "-o", $"-p {Port}", "start"]);
                _started = true;
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && ReadLog().Contains("could not bind"))
            {
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"{e.Message}\n--- {LogFile} ---\n{ReadLog()}", e);
            }
        }
    }

    async Task WaitUntilAcceptingAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString);
                await connection.OpenAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    string Build(string database, bool pooling) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Database = database,
        Pooling = pooling,
        IncludeErrorDetail = true,
    }.ConnectionString;

    void KillPostmaster()
    {
        try
        {
            string pidLine = File.ReadLines(Path.Combine(DataDir, "postmaster.pid")).First();
            if (int.TryParse(pidLine.Trim(), out int pid)) Process.GetProcessById(pid).Kill(entireProcessTree: true);
        }
        catch (Exception) { /* already gone */ }
    }

    /// <summary>Runs a tool (as the cluster's user when that is not us) and throws with its output when it fails.</summary>
    async Task<string> RunToolAsync(string fileName, string[] args, bool asClusterUser = true)
    {
        var info = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = _root ?? Path.GetTempPath(),
        };
        if (asClusterUser && RunAsUser is not null)
        {
            // setpriv execs the tool in place as postgres (no PAM session, no extra process), with that user's groups.
            info.FileName = "setpriv";
            foreach (string a in new[] { $"--reuid={RunAsUser}", $"--regid={RunAsUser}", "--init-groups", "--", fileName }) info.ArgumentList.Add(a);
        }
        else info.FileName = fileName;
        foreach (string a in args) info.ArgumentList.Add(a);
        // Connection settings from the environment (PGPORT, PGHOST, ...) must not steer the tools elsewhere.
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        info.Environment["LC_ALL"] = "C";

        string commandLine = string.Join(' ', info.ArgumentList.Prepend(info.FileName));
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {commandLine}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ToolTimeout);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{commandLine} did not finish within {ToolTimeout.TotalSeconds} s.");
        }
        var output = new StringBuilder().Append(await stdout).Append(await stderr).ToString();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{commandLine} exited with {process.ExitCode}:\n{output}");
        return output;
    }

    /// <summary>
    /// <see cref="FindBinDir"/>, or an InvalidOperationException that says to run scripts/setup.sh: a missing server is a
    /// failure, never a skip, so a broken setup cannot pass unnoticed.
    /// </summary>
    public static string RequireBinDir(string root = "/usr/lib/postgresql") => FindBinDir(root) ?? throw new InvalidOperationException(
        $"PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found under {root}/*/bin. " +
        "Run scripts/setup.sh: it installs the Debian package 'postgresql' (apt-get install --no-install-recommends postgresql).");

    /// <summary>The newest /usr/lib/postgresql/N/bin that has initdb, pg_ctl and postgres; null when none does.</summary>
    public static string? FindBinDir(string root = "/usr/lib/postgresql")
    {
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(d => (dir: Path.Combine(d, "bin"), version: Version.TryParse(VersionText(Path.GetFileName(d)), out var v) ? v : null))
            .Where(x => x.version is not null && new[] { "initdb", "pg_ctl", "postgres" }.All(t => File.Exists(Path.Combine(x.dir, t))))
            .OrderByDescending(x => x.version)
            .Select(x => x.dir)
            .FirstOrDefault();

        static string VersionText(string name) => name.Contains('.') ? name : name + ".0";
    }

    static (int uid, int gid)? LookUpUser(string name)
    {
        foreach (string line in File.ReadLines("/etc/passwd"))
        {
            var f = line.Split(':');
            if (f.Length >= 4 && f[0] == name && int.TryParse(f[2], out int uid) && int.TryParse(f[3], out int gid)) return (uid, gid);
        }
        return null;
    }

    [DllImport("libc", SetLastError = true)]
    static extern uint geteuid();
}

/// <summary>Test classes marked <c>[Collection(PostgresCollection.Name)]</c> share one <see cref="PostgresFixture"/> cluster.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
