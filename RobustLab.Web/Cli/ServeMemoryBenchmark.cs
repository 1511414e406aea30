using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using RobustLab.Training.Benchmarks;
using RobustLab.Training.Runtime;

namespace RobustLab.Web.Cli;

/// <summary>
/// Starts this binary as <c>robustlab serve</c> (SQLite in a temporary data folder, one in-process cpu worker), queues
/// <see cref="Runs"/> short regulariser runs one after another through <c>POST /api/runs</c>, and reads the server's
/// resident memory (VmRSS) once each run has ended: the figure a user sees in <c>top</c> during a sweep.
/// </summary>
public static class ServeMemoryBenchmark
{
    public const int Runs = 10;
    public const string Dataset = "fashion-mnist";
    static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    public static string Describe(int trainImages, int testImages) =>
        $"{Runs} LeNet regularizer runs (1 epoch, {trainImages} training and {testImages} test images of {Dataset}, a 5-sigma GNR) " +
        "through the job engine of one robustlab serve process";

    /// <summary>Needs Fashion-MNIST in the data folder (the caller checks); <paramref name="onRun"/> hears each run's number as it starts.</summary>
    public static async Task<ServeMemory> MeasureAsync(string? dataRoot, Action<int> onRun, CancellationToken ct,
        int trainImages = 6000, int testImages = 2000)
    {
        string folder = Path.Combine(Path.GetTempPath(), "robustlab-serve-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        int port = FreeLoopbackPort();
        using var server = StartServe(folder, port, dataRoot);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
            await WaitHealthyAsync(http, server, ct);
            double first = 0, last = 0;
            for (int run = 1; run <= Runs; run++)
            {
                onRun(run);
                await RunOnceAsync(http, server, run, trainImages, testImages, ct);
                await Task.Delay(Settle, ct); // the worker releases memory just after it records the run's end
                last = ProcessMemory.ResidentMiB(server.Id);
                if (run == 1) first = last;
            }
            return new ServeMemory(first, last, Runs, Describe(trainImages, testImages));
        }
        finally
        {
            try { server.Kill(entireProcessTree: true); server.WaitForExit(10_000); } catch (InvalidOperationException) { }
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    static async Task RunOnceAsync(HttpClient http, Process server, int seed, int trainImages, int testImages, CancellationToken ct)
    {
        var request = new Dictionary<string, object>
        {
            ["dataset"] = Dataset, ["model"] = "lenet", ["method"] = "regularizer", ["sigma"] = 0.5, ["alpha"] = 1.0,
            ["epochs"] = 1, ["trainSubset"] = trainImages, ["testSubset"] = testImages, ["batchSize"] = 100, ["lr"] = 0.001, ["seed"] = seed,
        };
        using var created = await http.PostAsJsonAsync("api/runs", request, ct);
        string body = await created.Content.ReadAsStringAsync(ct);
        if (created.StatusCode != HttpStatusCode.Created)
            throw new CliRuntimeException($"the benchmark's serve process refused a run ({(int)created.StatusCode}): {body}");
        string id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        while (true)
        {
            if (server.HasExited) throw new CliRuntimeException($"the benchmark's serve process exited with {server.ExitCode}.");
            using var doc = JsonDocument.Parse(await http.GetStringAsync($"api/runs/{id}", ct));
            string status = doc.RootElement.GetProperty("status").GetString() ?? "";
            if (status.Equals("succeeded", StringComparison.OrdinalIgnoreCase)) return;
            if (status.Equals("failed", StringComparison.OrdinalIgnoreCase) || status.Equals("cancelled", StringComparison.OrdinalIgnoreCase))
                throw new CliRuntimeException($"a benchmark run ended {status}: {doc.RootElement}");
            await Task.Delay(500, ct);
        }
    }

    static Process StartServe(string folder, int port, string? dataRoot)
    {
        // This very binary: the apphost, or `dotnet robustlab.dll` when started that way.
        string path = Environment.ProcessPath ?? throw new CliRuntimeException("cannot tell this program's path to start serve.");
        var info = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(path) == "dotnet") info.ArgumentList.Add(typeof(ServeMemoryBenchmark).Assembly.Location);
        foreach (string a in new[] { "serve", "--urls", $"http://127.0.0.1:{port}" }) info.ArgumentList.Add(a);
        info.Environment["Storage__Provider"] = "sqlite";
        info.Environment["Storage__DataFolder"] = folder;
        info.Environment["Workers__Queues__cpu"] = "1";
        info.Environment["Runs__Evaluation__GnrSteps"] = "5";
        info.Environment["Runs__Evaluation__MomentGapImages"] = "32";
        info.Environment["Runs__Evaluation__MomentGapSamples"] = "8";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        if (!string.IsNullOrWhiteSpace(dataRoot)) info.Environment["Data__Root"] = Path.GetFullPath(dataRoot);
        var process = Process.Start(info) ?? throw new CliRuntimeException("could not start robustlab serve for the memory benchmark.");
        // Drain its output so that a chatty server never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    static async Task WaitHealthyAsync(HttpClient http, Process server, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (server.HasExited) throw new CliRuntimeException($"the benchmark's serve process exited with {server.ExitCode} before it answered.");
            try
            {
                using var response = await http.GetAsync("healthz", ct);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            if (DateTime.UtcNow > deadline) throw new CliRuntimeException("the benchmark's serve process did not answer /healthz within 2 minutes.");
            await Task.Delay(250, ct);
        }
    }

    static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
