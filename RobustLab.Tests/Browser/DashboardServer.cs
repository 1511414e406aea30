using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RobustLab.Tests.Processes;
using RobustLab.Tests.Loop;

namespace RobustLab.Tests.Browser;

/// <summary>
/// The real built binary, <c>robustlab serve</c>, on a free 127.0.0.1 port with a fresh SQLite store in a temporary data
/// folder (one per test class), an in-process cpu worker, and a short evaluation (5 GNR sigmas, a 32-image moment gap
/// with 8 samples) so that a tiny run finishes in seconds.
/// </summary>
public class DashboardServer : IAsyncLifetime
{
    readonly TempFolder _folder = new();
    RobustLabProcess? _process;

    public const int GnrSteps = 5;

    public RobustLabProcess Process => _process ?? throw new InvalidOperationException("The server is not started.");
    public Uri BaseAddress => Process.BaseAddress!;
    public string DataFolder => _folder.Path;

    /// <summary>http://127.0.0.1:PORT/path</summary>
    public string Url(string path) => new Uri(BaseAddress, path.TrimStart('/')).ToString();

    /// <summary>Extra settings for this server's environment (say, an account), added before it starts.</summary>
    protected virtual void Configure(Dictionary<string, string?> environment) { }

    public virtual async Task InitializeAsync()
    {
        var environment = new Dictionary<string, string?>
        {
            ["Storage__Provider"] = "sqlite",
            ["Storage__DataFolder"] = _folder.Path,
            ["Workers__Queues__cpu"] = "1",
            ["Runs__Evaluation__GnrSteps"] = GnrSteps.ToString(),
            ["Runs__Evaluation__MomentGapImages"] = "32",
            ["Runs__Evaluation__MomentGapSamples"] = "8",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        Configure(environment);
        _process = await RobustLabProcess.StartServeAsync(environment, timeout: TimeSpan.FromSeconds(90), name: "dashboard");
    }

    public virtual async Task DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        _folder.Dispose();
    }

    public HttpClient CreateHttpClient() => Process.CreateHttpClient();

    /// <summary>A tiny Fashion-MNIST LeNet run: 600 training and 200 test images, batch 100, Adam 1e-3.</summary>
    public static Dictionary<string, object?> TinyRun(string method, int epochs = 2, double? sigma = null, double? alpha = null,
        int? copies = null, int seed = 0, int trainSubset = 600) => new()
    {
        ["dataset"] = "fashion-mnist", ["model"] = "lenet", ["method"] = method, ["sigma"] = sigma, ["alpha"] = alpha,
        ["copies"] = copies, ["epochs"] = epochs, ["trainSubset"] = trainSubset, ["testSubset"] = 200, ["batchSize"] = 100,
        ["lr"] = 0.001, ["seed"] = seed,
    };

    /// <summary>POST /api/runs; returns the new run's id (fails with the problem details on anything but 201).</summary>
    public async Task<Guid> SubmitAsync(Dictionary<string, object?> request)
    {
        using var http = CreateHttpClient();
        var body = request.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value);
        using var response = await http.PostAsJsonAsync("api/runs", body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/runs answered {(int)response.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>GET /api/runs/{id}, cloned out of its document.</summary>
    public async Task<JsonElement> GetRunAsync(Guid id)
    {
        using var http = CreateHttpClient();
        using var doc = JsonDocument.Parse(await http.GetStringAsync($"api/runs/{id}"));
        return doc.RootElement.Clone();
    }

    /// <summary>The ids of every run in the store (GET /api/runs).</summary>
    public async Task<IReadOnlyList<Guid>> ListRunIdsAsync()
    {
        using var http = CreateHttpClient();
        using var doc = JsonDocument.Parse(await http.GetStringAsync("api/runs"));
        var root = doc.RootElement;
        var items = root.ValueKind == JsonValueKind.Array ? root
            : root.TryGetProperty("items", out var i) ? i
            : root.TryGetProperty("runs", out var r) ? r
            : throw new InvalidOperationException($"Unexpected GET /api/runs shape: {Truncate(root.ToString())}");
        return items.EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList();
    }

    /// <summary>Polls the API until the run is finished (succeeded, failed or cancelled); asserts it succeeded.</summary>
    public async Task<JsonElement> WaitForSuccessAsync(Guid id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var run = await GetRunAsync(id);
            string status = run.GetProperty("status").GetString() ?? "";
            if (status is "succeeded") return run;
            if (status is "failed" or "cancelled")
                Assert.Fail($"Run {id} ended {status}: {Truncate(run.ToString())}\n{Process.Output}");
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Run {id} is still {status} after {timeout.TotalSeconds:0} s.\n{Process.Output}");
            await Task.Delay(250);
        }
    }

    static string Truncate(string s) => s.Length <= 2000 ? s : s[..2000] + "...";
}
