using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace RobustLab.Tests.Processes;

/// <summary>
/// The real built <c>robustlab</c> binary (RobustLab.Web/bin/{Release|Debug}/net10.0/linux-x64/robustlab) as a child
/// process: arguments, environment variables (for example <c>Storage__Provider</c>, <c>Storage__ConnectionString</c>,
/// <c>Storage__DataFolder</c>), stdout and stderr captured for assertion messages, <see cref="Kill"/> with SIGKILL, and
/// disposal that kills whatever is still running.
/// </summary>
public sealed class RobustLabProcess : IAsyncDisposable
{
    public const int SigInt = 2, SigKill = 9, SigTerm = 15;
    /// <summary>The exit code .NET reports for a child ended by SIGKILL (128 + 9).</summary>
    public const int KilledExitCode = 128 + SigKill;

    readonly Process _process;
    readonly StringBuilder _stdout = new(), _stderr = new(), _output = new();
    readonly object _lock = new();
    readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name { get; }
    public IReadOnlyList<string> Arguments { get; }
    public int Id { get; }
    public DateTime StartedAt { get; } = DateTime.UtcNow;
    /// <summary>For <c>serve</c> processes started by <see cref="StartServeAsync"/>: http://127.0.0.1:port/.</summary>
    public Uri? BaseAddress { get; private set; }

    RobustLabProcess(ProcessStartInfo info, string name)
    {
        Name = name;
        Arguments = info.ArgumentList.ToList();
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data, _stdout, "", _stdoutClosed);
        _process.ErrorDataReceived += (_, e) => Append(e.Data, _stderr, "[stderr] ", _stderrClosed);
        if (!_process.Start()) throw new InvalidOperationException($"Could not start {info.FileName}.");
        Id = _process.Id;
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// Starts <c>robustlab args...</c>. Environment variables with a null value are removed from the child's environment.
    /// The working directory defaults to the repository root (so relative paths such as <c>data/</c> resolve as they do
    /// for a user of the checkout); pass a folder to isolate a test.
    /// </summary>
    public static RobustLabProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null, string? name = null)
    {
        var info = new ProcessStartInfo(BinaryPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? RepositoryRoot,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        // A terminal-independent, deterministic child: no progress bar, no ANSI colours, invariant numbers.
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["NO_COLOR"] = "1";
        if (environment is not null)
            foreach (var (key, value) in environment)
            {
                if (value is null) info.Environment.Remove(key);
                else info.Environment[key] = value;
            }
        return new RobustLabProcess(info, name ?? (info.ArgumentList.Count > 0 ? info.ArgumentList[0] : "serve"));
    }

    public static RobustLabProcess Start(params string[] args) => Start(args, null);

    /// <summary>
    /// Starts <c>robustlab serve --urls http://127.0.0.1:PORT</c> on a free loopback port and waits until GET /healthz
    /// answers 200. Throws with the process output when it exits first or does not get healthy within the timeout.
    /// </summary>
    public static async Task<RobustLabProcess> StartServeAsync(IReadOnlyDictionary<string, string?>? environment = null,
        IEnumerable<string>? extraArgs = null, string? workingDirectory = null, TimeSpan? timeout = null, string name = "serve")
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        for (int attempt = 1; ; attempt++)
        {
            int port = LoopbackPort.GetFree();
            var baseAddress = new Uri($"http://127.0.0.1:{port}/");
            var process = Start(["serve", "--urls", baseAddress.ToString().TrimEnd('/'), .. extraArgs ?? []], environment, workingDirectory, name);
            process.BaseAddress = baseAddress;
            try
            {
                await process.WaitForHealthyAsync(limit);
                return process;
            }
            catch (InvalidOperationException) when (attempt < 3 && process.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await process.DisposeAsync(); // lost the race for the port: try another one
            }
            catch
            {
                await process.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Polls GET /healthz until 200; throws with the output when the process exits or the time runs out.</summary>
    public async Task WaitForHealthyAsync(TimeSpan timeout)
    {
        var baseAddress = BaseAddress ?? throw new InvalidOperationException("No BaseAddress: not started with StartServeAsync.");
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (HasExited)
                throw new InvalidOperationException($"{Describe()} exited with {_process.ExitCode} before GET /healthz answered.\n{Output}");
            try
            {
                using var response = await http.GetAsync("healthz");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Describe()}: GET /healthz did not answer 200 within {timeout.TotalSeconds:0} s.\n{Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>An HttpClient for <see cref="BaseAddress"/> (dispose it).</summary>
    public HttpClient CreateHttpClient(TimeSpan? timeout = null) => new()
    {
        BaseAddress = BaseAddress ?? throw new InvalidOperationException("No BaseAddress: not started with StartServeAsync."),
        Timeout = timeout ?? TimeSpan.FromSeconds(30),
    };

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code; for a child ended by a signal, 128 + the signal (137 for SIGKILL).</summary>
    public int ExitCode => _process.ExitCode;

    public string Stdout { get { lock (_lock) return _stdout.ToString(); } }
    public string Stderr { get { lock (_lock) return _stderr.ToString(); } }
    /// <summary>stdout and stderr interleaved in arrival order (stderr lines prefixed "[stderr] ").</summary>
    public string Output { get { lock (_lock) return _output.ToString(); } }

    /// <summary>
    /// Sends SIGKILL to the process and its descendants at once (.NET's Process.Kill is kill(pid, SIGKILL) on Unix; the
    /// tests check that the exit code is 137). Nothing in the child runs after this: no finally blocks, no flushing.
    /// </summary>
    public void Kill()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { /* already exited */ }
    }

    /// <summary>Sends a signal to the process only (for example SIGTERM or SIGINT for a graceful stop).</summary>
    public void Signal(int signal)
    {
        if (HasExited) return;
        if (kill(Id, signal) != 0 && !HasExited)
            throw new InvalidOperationException($"kill({Id}, {signal}) failed: errno {Marshal.GetLastWin32Error()}.");
    }

    /// <summary>
    /// Waits for the process to exit and for its output to be read to the end; returns the exit code. Throws a
    /// TimeoutException with the output when it is still running after <paramref name="timeout"/> (it keeps running).
    /// </summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            if (!_process.HasExited)
                throw new TimeoutException($"{Describe()} still runs after {timeout.TotalSeconds:0} s.\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>Waits until a line of output satisfies <paramref name="match"/>; throws with the output on exit or timeout.</summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string? line;
            lock (_lock) line = _output.ToString().Split('\n').FirstOrDefault(l => match(l.TrimEnd('\r')));
            if (line is not null) return line;
            if (HasExited) throw new InvalidOperationException($"{Describe()} exited with {ExitCode} before the expected output.\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Describe()}: the expected output did not appear within {timeout.TotalSeconds:0} s.\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>"robustlab worker --queues cpu (pid 1234)": for messages.</summary>
    public string Describe() => $"robustlab {string.Join(' ', Arguments)} (pid {Id}, {Name})";

    public override string ToString() => Describe();

    /// <summary>Kills the process (and its descendants) if it still runs, and waits briefly for it to go.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            try { await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token); }
            catch (OperationCanceledException) { }
        }
        _process.Dispose();
    }

    void Append(string? line, StringBuilder target, string prefix, TaskCompletionSource closed)
    {
        if (line is null) { closed.TrySetResult(); return; }
        lock (_lock)
        {
            target.Append(line).Append('\n');
            _output.Append(prefix).Append(line).Append('\n');
        }
    }

    /// <summary>The folder that holds RobustLab.sln, found by walking up from the test assembly's folder.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>
    /// RobustLab.Web/bin/{configuration}/net10.0/linux-x64/robustlab, with the configuration the tests were built in
    /// (Release unless the test assembly lives under bin/Debug). Throws when it has not been built.
    /// </summary>
    public static string BinaryPath => File.Exists(CandidateBinary) ? CandidateBinary : throw new FileNotFoundException(
        $"The robustlab binary is not built at {CandidateBinary}. Build it first: " +
        $"dotnet build RobustLab.sln -c {Configuration} (scripts/setup.sh does this).", CandidateBinary);

    static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";

    static string CandidateBinary =>
        Path.Combine(RepositoryRoot, "RobustLab.Web", "bin", Configuration, "net10.0", "linux-x64", "robustlab");

    static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RobustLab.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds RobustLab.sln.");
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
}
