using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RobustLab.Tests.Api;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Training.Runtime;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Jobs;

/// <summary>Measuring a run under corruptions after it succeeded: the real app trains, the API queues the job, a worker runs it.</summary>
public class CorruptRunJobTests
{
    public CorruptRunJobTests() => TorchRuntime.EnsureLoaded();

    const string Augmented = """
        {"dataset": "fashion-mnist", "model": "lenet", "method": "augmentation", "sigma": 0.25, "copies": 1, "trainSubset": 600, "testSubset": 100,
         "epochs": 1, "batchSize": 100, "lr": 0.001, "seed": 3}
        """;
    const string Baseline = """
        {"dataset": "fashion-mnist", "model": "lenet", "method": "baseline", "trainSubset": 600, "testSubset": 100,
         "epochs": 1, "batchSize": 100, "lr": 0.001, "seed": 3}
        """;
    const string Request = """{"corruptions": ["brightness", "gaussian_noise"], "severities": [1, 5], "testSubset": 50}""";

    [Fact]
    public async Task A_trained_run_gets_its_corruption_report_with_mce_against_the_baseline_only_when_one_exists()
    {
        Assert.True(new DatasetCatalog().Describe("fashion-mnist").Found,
            "Fashion-MNIST is missing: run scripts/setup.sh (it runs `apt-get install dataset-fashion-mnist`).");
        await using var app = new RealAppFactory();
        var client = app.CreateClient();
        var id = await TrainAsync(client, Augmented);
        var before = (await GetAsync(client, id)).GetProperty("metrics");

        // No baseline of lenet on fashion-mnist yet: the report comes without mCE, and the log says why.
        await ApiAssert.JsonAsync(await Post(client, $"/api/runs/{id}/corruptions", Request), 202);
        var first = await WaitAsync(client, id, r => r.GetProperty("metrics").GetProperty("corruptions").ValueKind == JsonValueKind.Object);
        Assert.Equal("succeeded", first.GetProperty("status").GetString());
        var report = first.GetProperty("metrics").GetProperty("corruptions");
        Assert.Equal(50, report.GetProperty("images").GetInt32());
        Assert.Equal(3, report.GetProperty("seed").GetInt32()); // the run's seed
        Assert.Equal(["brightness", "gaussian_noise"], report.GetProperty("corruptions").EnumerateArray().Select(c => c.GetProperty("corruption").GetString()));
        Assert.Equal([1, 5], report.GetProperty("severities").EnumerateArray().Select(s => s.GetInt32()));
        Assert.InRange(report.GetProperty("meanCorruptionAccuracy").GetDouble(), 0, 1);
        Assert.False(report.TryGetProperty("errors", out var none) && none.ValueKind != JsonValueKind.Null);
        string runDir = Path.Combine(app.DataFolder, "runs", id.ToString("N"));
        var log = RunLog.Tail(runDir)!.Select(l => l[21..]).ToList();
        Assert.Contains(log, l => l.StartsWith("measuring corruptions: 2 corruption(s)", StringComparison.Ordinal)
                                  && l.EndsWith("no succeeded baseline run of lenet on fashion-mnist, so no mCE", StringComparison.Ordinal));
        Assert.Contains(log, l => l.StartsWith("corruptions finished: mean corruption accuracy ", StringComparison.Ordinal) && l.EndsWith("no mCE (no baseline)"));

        // Everything else is as the training left it; run.json holds the same report and the seconds.
        var metrics = first.GetProperty("metrics");
        foreach (var field in before.EnumerateObject().Where(f => f.Name is not ("corruptions" or "timings")))
            Assert.True(field.Value.GetRawText() == metrics.GetProperty(field.Name).GetRawText(), $"{field.Name} changed");
        var record = RunFolder.ReadRunJson(runDir);
        Assert.Equal(report.GetProperty("meanCorruptionAccuracy").GetDouble(), record.Metrics!.Corruptions!.MeanCorruptionAccuracy);
        Assert.True(record.Metrics.Timings.SecondsOf(RunStage.Corrupting) > 0);
        Assert.Equal(["training", "evaluating", "corrupting"], metrics.GetProperty("timings").EnumerateArray().Select(t => t.GetProperty("stage").GetString()));

        // With a succeeded baseline of the same data set and model, mCE is relative to it; the measured accuracies do not change.
        var baselineId = await TrainAsync(client, Baseline);
        await WaitIdleAsync(app, id);
        await ApiAssert.JsonAsync(await Post(client, $"/api/runs/{id}/corruptions", Request), 202);
        var second = await WaitAsync(client, id, r => r.GetProperty("metrics").GetProperty("corruptions").TryGetProperty("errors", out var e)
                                                      && e.ValueKind == JsonValueKind.Object);
        var again = second.GetProperty("metrics").GetProperty("corruptions");
        Assert.Equal(report.GetProperty("meanCorruptionAccuracy").GetDouble(), again.GetProperty("meanCorruptionAccuracy").GetDouble()); // seeded
        var errors = again.GetProperty("errors");
        Assert.Equal(baselineId.ToString(), errors.GetProperty("baseline").GetString());
        Assert.Equal(2, errors.GetProperty("perCorruption").GetArrayLength());
        Assert.Contains(RunLog.Tail(runDir)!, l => l.EndsWith($"mCE reference: baseline run {baselineId}", StringComparison.Ordinal));

        // The baseline measured against itself: every CE is 1.
        await ApiAssert.JsonAsync(await Post(client, $"/api/runs/{baselineId}/corruptions", Request), 202);
        var own = await WaitAsync(client, baselineId, r => r.GetProperty("metrics").GetProperty("corruptions").ValueKind == JsonValueKind.Object);
        Assert.Equal(1.0, own.GetProperty("metrics").GetProperty("corruptions").GetProperty("errors").GetProperty("mce").GetDouble(), 12);
    }

    static async Task<Guid> TrainAsync(HttpClient client, string body)
    {
        var id = (await ApiAssert.JsonAsync(await Post(client, "/api/runs", body), 201)).GetProperty("id").GetGuid();
        var trained = await WaitAsync(client, id, r => r.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled");
        Assert.True(trained.GetProperty("status").GetString() == "succeeded", trained.ToString());
        return id;
    }

    /// <summary>Until the run's job after training has ended in Hangfire (its results are stored just before).</summary>
    static async Task WaitIdleAsync(RealAppFactory app, Guid id)
    {
        var store = app.Services.GetRequiredService<IRunStore>();
        var queue = app.Services.GetRequiredService<IPostTrainingQueue>();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await queue.StatusAsync((await store.GetRunAsync(id))!) is { IsPending: true } && DateTime.UtcNow < until) await Task.Delay(100);
    }

    static Task<HttpResponseMessage> Post(HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    static async Task<JsonElement> GetAsync(HttpClient client, Guid id) => await ApiAssert.JsonAsync(await client.GetAsync($"/api/runs/{id}"), 200);

    static async Task<JsonElement> WaitAsync(HttpClient client, Guid id, Func<JsonElement, bool> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var run = await GetAsync(client, id);
            if (done(run)) return run;
            Assert.True(DateTime.UtcNow < until, $"run {id} did not get there in 3 minutes: {run}");
            await Task.Delay(200);
        }
    }
}
