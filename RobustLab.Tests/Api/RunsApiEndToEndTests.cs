using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using RobustLab.Training.Data;
using RobustLab.Tests.Loop;

namespace RobustLab.Tests.Api;

/// <summary>
/// The real app (Program: SQLite run store and Hangfire queue in a temporary data folder, an in-process cpu worker),
/// with a cheap evaluation so a tiny run takes seconds.
/// </summary>
public sealed class RealAppFactory : WebApplicationFactory<Program>
{
    readonly TempFolder _folder = new();
    public string DataFolder => _folder.Path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:Provider", "sqlite");
        builder.UseSetting("Storage:DataFolder", _folder.Path);
        builder.UseSetting("Workers:Queues:cpu", "1");
        builder.UseSetting("Runs:Evaluation:GnrSteps", "6");
        builder.UseSetting("Runs:Evaluation:MomentGapImages", "32");
        builder.UseSetting("Runs:Evaluation:MomentGapSamples", "16");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>End to end through the real app: submit over HTTP, a worker trains, the API reads back, downloads and deletes.</summary>
public sealed class RunsApiEndToEndTests(RealAppFactory factory) : IClassFixture<RealAppFactory>
{
    const string TinyRun = """
        {"dataset": "fashion-mnist", "model": "lenet", "method": "regularizer", "sigma": 0.25, "alpha": 1,
         "trainSubset": 600, "testSubset": 200, "epochs": 1, "batchSize": 100, "lr": 0.001, "seed": 3}
        """;

    [Fact]
    public async Task A_tiny_run_posted_to_the_api_trains_succeeds_with_metrics_downloads_is_reused_and_deletes()
    {
        Assert.True(new DatasetCatalog().Describe("fashion-mnist").Found,
            "Fashion-MNIST is missing: run scripts/setup.sh (it runs `apt-get install dataset-fashion-mnist`).");
        var client = factory.CreateClient();

        var created = await ApiAssert.JsonAsync(await Post(client, "/api/runs", TinyRun), 201);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("queued", created.GetProperty("status").GetString());

        var run = await WaitAsync(client, id, s => s is "succeeded" or "failed" or "cancelled", TimeSpan.FromMinutes(3));
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        Assert.Equal(1, run.GetProperty("epoch").GetInt32());
        var metrics = run.GetProperty("metrics");
        Assert.InRange(metrics.GetProperty("testAccuracy").GetDouble(), 0, 1);
        Assert.InRange(metrics.GetProperty("gnr").GetDouble(), 0, 1);
        Assert.Equal(6, metrics.GetProperty("gnrCurve").GetArrayLength());
        Assert.Equal(0.25, metrics.GetProperty("momentSigma").GetDouble());
        Assert.Equal([1], run.GetProperty("epochReports").EnumerateArray().Select(e => e.GetProperty("epoch").GetInt32()));

        foreach (var (kind, name) in new[] { ("safetensors", $"run-{id}.safetensors"), ("torchsharp", $"run-{id}.dat"), ("runjson", $"run-{id}.json") })
        {
            var file = await client.GetAsync($"/api/runs/{id}/files/{kind}");
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal(name, file.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
            Assert.True((await file.Content.ReadAsByteArrayAsync()).Length > 100, kind);
        }
        using (var runJson = JsonDocument.Parse(await client.GetStringAsync($"/api/runs/{id}/files/runjson")))
            Assert.Equal(JsonValueKind.Object, runJson.RootElement.ValueKind);

        string csv = await client.GetStringAsync("/api/results.csv");
        var row = csv.Split('\n').Single(l => l.StartsWith(id.ToString(), StringComparison.Ordinal));
        Assert.Contains(",succeeded,fashion-mnist,lenet,regularizer,0.25,1,", row);

        // The same configuration in a sweep is reused, not trained again (the device does not matter).
        var sweep = await ApiAssert.JsonAsync(await Post(client, "/api/sweeps", """
            {"dataset": "fashion-mnist", "model": "lenet", "methods": ["regularizer"], "sigma": [0.25], "alpha": [1], "seed": [3],
             "trainSubset": 600, "testSubset": 200, "epochs": 1, "batchSize": 100, "lr": 0.001, "device": "cuda:1"}
            """), 201);
        Assert.Equal(1, sweep.GetProperty("reused").GetInt32());
        Assert.Equal(0, sweep.GetProperty("queued").GetInt32());
        Assert.Equal(id, sweep.GetProperty("runs")[0].GetProperty("id").GetGuid());

        string runDir = Directory.GetDirectories(Path.Combine(factory.DataFolder, "runs")).Single(d => d.EndsWith(id.ToString("N")));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/runs/{id}")).StatusCode);
        Assert.False(Directory.Exists(runDir));
        await ApiAssert.ProblemAsync(await client.GetAsync($"/api/runs/{id}"), 404);
        await ApiAssert.ProblemAsync(await client.GetAsync($"/api/runs/{id}/files/safetensors"), 404);
    }

    [Fact]
    public async Task A_running_run_is_cancelled_through_the_api_and_stops()
    {
        var client = factory.CreateClient();
        var created = await ApiAssert.JsonAsync(await Post(client, "/api/runs", """
            {"dataset": "fashion-mnist", "trainSubset": 20000, "testSubset": 200, "epochs": 50, "batchSize": 50, "lr": 0.001}
            """), 201);
        var id = created.GetProperty("id").GetGuid();

        await WaitAsync(client, id, s => s is "running" or "succeeded" or "failed", TimeSpan.FromMinutes(3));
        var cancel = await client.PostAsync($"/api/runs/{id}/cancel", null);
        Assert.True(cancel.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, await cancel.Content.ReadAsStringAsync());

        var run = await WaitAsync(client, id, s => s is "succeeded" or "failed" or "cancelled", TimeSpan.FromSeconds(60));
        Assert.Equal("cancelled", run.GetProperty("status").GetString());
        Assert.True(run.GetProperty("epoch").GetInt32() < 50);

        // Retry puts it back on the queue; cancel it again so the worker is free for the other tests.
        var retried = await ApiAssert.JsonAsync(await client.PostAsync($"/api/runs/{id}/retry", null), 202);
        Assert.Equal("queued", retried.GetProperty("status").GetString());
        await client.PostAsync($"/api/runs/{id}/cancel", null);
        await WaitAsync(client, id, s => s is "cancelled" or "succeeded" or "failed", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task The_real_app_names_every_bad_field_and_answers_404_for_unknown_runs()
    {
        var client = factory.CreateClient();

        var errors = await ApiAssert.ValidationErrorsAsync(await Post(client, "/api/runs",
            """{"dataset": "imagenet", "model": "vgg", "method": "x", "sigma": -1, "alpha": "NaN", "copies": -1, "epochs": 10001, "device": "tpu"}"""));
        Assert.Equal(["alpha", "copies", "dataset", "device", "epochs", "method", "model", "sigma"], errors.Keys.Order(StringComparer.Ordinal));
        await ApiAssert.ProblemAsync(await client.GetAsync($"/api/runs/{Guid.NewGuid()}"), 404);
        await ApiAssert.ProblemAsync(await client.PostAsync("/api/runs/nope/cancel", null), 404);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/runs/{Guid.NewGuid()}/files/passwd")).StatusCode);

        var openApi = await ApiAssert.JsonAsync(await client.GetAsync("/openapi/v1.json"), 200);
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/runs", out _));
    }

    static Task<HttpResponseMessage> Post(HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    static async Task<JsonElement> WaitAsync(HttpClient client, Guid id, Func<string, bool> done, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var run = await ApiAssert.JsonAsync(await client.GetAsync($"/api/runs/{id}"), 200);
            if (done(run.GetProperty("status").GetString()!)) return run;
            Assert.True(DateTime.UtcNow < until, $"run {id} still {run.GetProperty("status")} after {timeout}: {run}");
            await Task.Delay(200);
        }
    }
}
