using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using RobustLab.Tests.Api;
using RobustLab.Training.Certification;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Training.Runtime;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Jobs;

/// <summary>Certifying a run after it succeeded: the real app trains, the API queues the certification job, a worker runs it.</summary>
public class CertifyRunJobTests
{
    public CertifyRunJobTests() => TorchRuntime.EnsureLoaded();

    const string TinyRun = """
        {"dataset": "fashion-mnist", "model": "lenet", "method": "augmentation", "sigma": 0.25, "copies": 1, "trainSubset": 600, "testSubset": 100,
         "epochs": 2, "batchSize": 100, "lr": 0.001, "seed": 3}
        """;

    [Fact]
    public async Task A_trained_run_gets_its_certification_per_sigma_in_its_metrics_run_json_and_csv_and_keeps_its_other_metrics()
    {
        Assert.True(new DatasetCatalog().Describe("fashion-mnist").Found,
            "Fashion-MNIST is missing: run scripts/setup.sh (it runs `apt-get install dataset-fashion-mnist`).");
        await using var app = new RealAppFactory();
        var client = app.CreateClient();
        var id = (await ApiAssert.JsonAsync(await Post(client, "/api/runs", TinyRun), 201)).GetProperty("id").GetGuid();
        var trained = await WaitAsync(client, id, r => r.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled");
        Assert.True(trained.GetProperty("status").GetString() == "succeeded", trained.ToString());
        var before = trained.GetProperty("metrics");
        Assert.Equal(JsonValueKind.Null, before.GetProperty("certification").ValueKind);

        // No sigma: the run's training sigma, 0.25.
        await ApiAssert.JsonAsync(await Post(client, $"/api/runs/{id}/certify", """{"n0": 10, "n": 100, "alpha": 0.01, "images": 20}"""), 202);
        var certified = await WaitAsync(client, id, r => r.GetProperty("metrics").GetProperty("certification").ValueKind == JsonValueKind.Array);
        Assert.Equal("succeeded", certified.GetProperty("status").GetString());
        var metrics = certified.GetProperty("metrics");
        var entry = Assert.Single(metrics.GetProperty("certification").EnumerateArray());
        Assert.Equal(0.25, entry.GetProperty("sigma").GetDouble());
        Assert.Equal((10, 100, 0.01, 20, 3), (entry.GetProperty("n0").GetInt32(), entry.GetProperty("n").GetInt32(),
            entry.GetProperty("alpha").GetDouble(), entry.GetProperty("images").GetInt32(), entry.GetProperty("seed").GetInt32()));
        Assert.Equal(CertificationSummary.FixedRadii,
            entry.GetProperty("certifiedAccuracy").EnumerateArray().Select(p => p.GetProperty("radius").GetDouble()));
        Assert.InRange(entry.GetProperty("majorityVote").GetDouble(), 0, 1);
        Assert.True(entry.GetProperty("seconds").GetDouble() > 0);

        // The scalars are those of the per-image rows the job wrote (the CSV), not figures of their own.
        string runDir = Path.Combine(app.DataFolder, "runs", id.ToString("N"));
        var rows = CertificationCsv.ReadFile(Path.Combine(runDir, "certify-0.25.csv"));
        Assert.Equal(20, rows.Count);
        var summary = CertificationSummary.From(rows);
        Assert.Equal(summary.AverageCertifiedRadius, entry.GetProperty("averageCertifiedRadius").GetDouble(), 12);
        Assert.Equal(summary.CertifiedAuc, entry.GetProperty("certifiedAuc").GetDouble(), 12);
        Assert.Equal(summary.AbstainRate, entry.GetProperty("abstainRate").GetDouble(), 12);
        Assert.Equal(summary.AtRadii.Select(p => p.Accuracy),
            entry.GetProperty("certifiedAccuracy").EnumerateArray().Select(p => p.GetProperty("accuracy").GetDouble()));

        // Everything else is as the training left it; the timings gain the certification's seconds.
        foreach (var field in before.EnumerateObject().Where(f => f.Name is not ("certification" or "timings")))
            Assert.True(field.Value.GetRawText() == metrics.GetProperty(field.Name).GetRawText(), $"{field.Name} changed");
        var timings = metrics.GetProperty("timings").EnumerateArray().ToList();
        Assert.Equal(["training", "evaluating", "certifying"], timings.Select(t => t.GetProperty("stage").GetString()));
        double certifying = timings[2].GetProperty("seconds").GetDouble();
        Assert.True(certifying > 0);

        var record = RunFolder.ReadRunJson(runDir);
        var stored = Assert.Single(record.Metrics!.Certification!);
        Assert.Equal(summary.AverageCertifiedRadius, stored.AverageCertifiedRadius, 12);
        Assert.Equal(certifying, record.Metrics.Timings.SecondsOf(RunStage.Certifying));
        Assert.Equal(before.GetProperty("testAccuracy").GetDouble(), record.Metrics.TestAccuracy);

        var lines = RunLog.Tail(runDir)!.Select(l => l[21..]).ToList();
        int queued = lines.FindIndex(l => Regex.IsMatch(l, @"^certification job \d+ queued on cpu: sigma 0.25, n0 10, n 100, alpha 0.01, 20 test images$"));
        int started = lines.IndexOf("certifying: sigma 0.25, n0 10, n 100, alpha 0.01, 20 test images");
        int finished = lines.FindIndex(l => l.StartsWith("certification finished: sigma 0.25: certified accuracy ", StringComparison.Ordinal));
        Assert.True(queued >= 0 && started > queued && finished > started, string.Join("\n", lines));

        // The job ends in Hangfire shortly after its figures are stored; then a certification at another sigma keeps this one.
        var store = app.Services.GetRequiredService<IRunStore>();
        var certifyQueue = app.Services.GetRequiredService<IPostTrainingQueue>();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await certifyQueue.StatusAsync((await store.GetRunAsync(id))!) is not null && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.Null((await store.GetRunAsync(id))!.LeaseOwner);
        await ApiAssert.JsonAsync(await Post(client, $"/api/runs/{id}/certify", """{"sigma": [0.5], "n0": 10, "n": 100, "images": 20}"""), 202);
        var twice = await WaitAsync(client, id, r => r.GetProperty("metrics").GetProperty("certification").GetArrayLength() == 2);
        var both = twice.GetProperty("metrics").GetProperty("certification").EnumerateArray().ToList();
        Assert.Equal([0.25, 0.5], both.Select(c => c.GetProperty("sigma").GetDouble()));
        Assert.Equal(entry.GetRawText(), both[0].GetRawText());
        Assert.True(File.Exists(Path.Combine(runDir, "certify-0.5.csv")));
        Assert.Equal(2, RunFolder.ReadRunJson(runDir).Metrics!.Certification!.Count);
    }

    [Fact]
    public async Task A_failed_certification_is_logged_and_leaves_the_run_succeeded_with_its_metrics()
    {
        await using var lab = await JobEngineHost.StartAsync(new Dictionary<string, string?> { ["Workers:Queues:cpu"] = "0" }, workers: 0);
        var run = await lab.Store.CreateRunAsync(JobEngineHost.TinyRun);
        await lab.Store.SetMetricsAsync(run.Id, FakeRunStore.SampleMetrics());
        await lab.Store.SetStatusAsync(run.Id, RunStatus.Succeeded);
        Directory.CreateDirectory(run.RunDir!); // no run.json, no weights
        run = (await lab.Store.GetRunAsync(run.Id))!;

        using (var scope = lab.Services.CreateScope())
        {
            var job = scope.ServiceProvider.GetRequiredService<CertifyRunJob>();
            await Assert.ThrowsAsync<InvalidOperationException>(() => job.ExecuteAsync(run.Id, [0.25], 10, 100, 0.01, 20, CancellationToken.None));
        }

        var after = (await lab.Store.GetRunAsync(run.Id))!;
        Assert.Equal(RunStatus.Succeeded, after.Status);
        Assert.Equal(run.MetricsJson, after.MetricsJson);
        Assert.Null(after.LeaseOwner);
        var lines = RunLog.Tail(after.RunDir)!.Select(l => l[21..]).ToList();
        Assert.Equal("certifying: sigma 0.25, n0 10, n 100, alpha 0.01, 20 test images", lines[0]);
        Assert.StartsWith("certification failed: ", lines[^1]);
        Assert.Contains("run.json", lines[^1]);
    }

    static Task<HttpResponseMessage> Post(HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    static async Task<JsonElement> WaitAsync(HttpClient client, Guid id, Func<JsonElement, bool> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var run = await ApiAssert.JsonAsync(await client.GetAsync($"/api/runs/{id}"), 200);
            if (done(run)) return run;
            Assert.True(DateTime.UtcNow < until, $"run {id} did not get there in 3 minutes: {run}");
            await Task.Delay(200);
        }
    }
}
