using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using RobustLab.Tests.Api;
using RobustLab.Training.Attacks;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Training.Runtime;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Jobs;

/// <summary>Attacking a run after it succeeded: the real app trains, the API queues the attack job, a worker runs it.</summary>
public class AttackRunJobTests
{
    public AttackRunJobTests() => TorchRuntime.EnsureLoaded();

    const string TinyRun = """
        {"dataset": "fashion-mnist", "model": "lenet", "trainSubset": 600, "testSubset": 100, "epochs": 2, "batchSize": 100,
         "lr": 0.001, "seed": 3}
        """;

    [Fact]
    public async Task A_run_trained_without_attacks_gets_an_fgsm_report_in_its_metrics_and_run_json_and_keeps_its_other_metrics()
    {
        Assert.True(new DatasetCatalog().Describe("fashion-mnist").Found,
            "Fashion-MNIST is missing: run scripts/setup.sh (it runs `apt-get install dataset-fashion-mnist`).");
        await using var app = new RealAppFactory();
        var client = app.CreateClient();
        var id = (await ApiAssert.JsonAsync(await Post(client, "/api/runs", TinyRun), 201)).GetProperty("id").GetGuid();
        var trained = await WaitAsync(client, id, r => r.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled");
        Assert.True(trained.GetProperty("status").GetString() == "succeeded", trained.ToString());
        var before = trained.GetProperty("metrics");
        Assert.Equal(JsonValueKind.Null, before.GetProperty("attacks").ValueKind);

        var accepted = await ApiAssert.JsonAsync(await Post(client, $"/api/runs/{id}/attacks", """{"attacks": ["fgsm"], "samples": 10}"""), 202);
        Assert.Equal("succeeded", accepted.GetProperty("status").GetString());
        // (A second job while this one is queued or running gets 409: AttackRunApiTests checks that deterministically; here
        // the worker may already have finished fgsm on 10 images before a second POST arrives.)

        var attacked = await WaitAsync(client, id, r => r.GetProperty("metrics").GetProperty("attacks").ValueKind == JsonValueKind.Object);
        Assert.Equal("succeeded", attacked.GetProperty("status").GetString());
        var metrics = attacked.GetProperty("metrics");
        var report = metrics.GetProperty("attacks");
        Assert.Equal(10, report.GetProperty("samples").GetInt32());
        Assert.Equal(3, report.GetProperty("seed").GetInt32()); // the run's own seed
        var fgsm = Assert.Single(report.GetProperty("attacks").EnumerateArray());
        Assert.Equal("fgsm", fgsm.GetProperty("attack").GetString());
        Assert.Equal(report.GetProperty("attacked").GetInt32(), fgsm.GetProperty("attacked").GetInt32());
        Assert.InRange(report.GetProperty("attacked").GetInt32(), 1, 10);
        // Everything else is as the training left it; the timings gain the attacks' seconds.
        foreach (var field in before.EnumerateObject().Where(f => f.Name is not ("attacks" or "timings")))
            Assert.True(field.Value.GetRawText() == metrics.GetProperty(field.Name).GetRawText(), $"{field.Name} changed");
        var timingsBefore = before.GetProperty("timings").EnumerateArray().ToList();
        var timingsAfter = metrics.GetProperty("timings").EnumerateArray().ToList();
        Assert.Equal(["training", "evaluating"], timingsBefore.Select(t => t.GetProperty("stage").GetString()));
        Assert.Equal(["training", "evaluating", "attacking"], timingsAfter.Select(t => t.GetProperty("stage").GetString()));
        for (int i = 0; i < 2; i++) Assert.Equal(timingsBefore[i].GetRawText(), timingsAfter[i].GetRawText());
        Assert.True(timingsAfter[2].GetProperty("seconds").GetDouble() > 0);
        Assert.Equal(0, attacked.GetProperty("config").GetProperty("attacks").GetArrayLength()); // the configuration stays as submitted

        string runDir = Path.Combine(app.DataFolder, "runs", id.ToString("N"));
        var record = RunFolder.ReadRunJson(runDir);
        Assert.Equal(["fgsm"], record.Metrics!.Attacks!.Attacks.Select(a => a.Attack));
        Assert.Equal(10, record.Metrics.Attacks.Samples);
        Assert.Equal(timingsAfter[2].GetProperty("seconds").GetDouble(), record.Metrics.Timings.SecondsOf(RunStage.Attacking));
        Assert.Equal(before.GetProperty("testAccuracy").GetDouble(), record.Metrics.TestAccuracy);
        Assert.Equal(before.GetProperty("gnr").GetDouble(), record.Metrics.Gnr);

        var lines = RunLog.Tail(runDir)!.Select(l => l[21..]).ToList(); // without the timestamp
        int queued = lines.FindIndex(l => Regex.IsMatch(l, @"^attack job \d+ queued on cpu: fgsm on 10 test images$"));
        int started = lines.IndexOf("attacking: fgsm on the correctly classified among 10 test images");
        int finished = lines.FindIndex(l => l.StartsWith("attacks finished: fgsm fooled ", StringComparison.Ordinal));
        Assert.True(queued >= 0 && started > queued && finished > started, string.Join("\n", lines));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^attacking: fgsm (\d+)/\1 images \(attack 1 of 1\)$"));

        // The job ends in Hangfire shortly after its report is stored; then the run has no attack job in progress.
        var store = app.Services.GetRequiredService<IRunStore>();
        var submitter = app.Services.GetRequiredService<AttackSubmitter>();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        PostTrainingJobStatus? status;
        while ((status = await submitter.StatusAsync((await store.GetRunAsync(id))!)) is not null && DateTime.UtcNow < until)
            await Task.Delay(100);
        Assert.Null(status);
        Assert.Null((await store.GetRunAsync(id))!.LeaseOwner);
    }

    [Fact]
    public async Task A_failed_attack_is_logged_and_leaves_the_run_succeeded_with_its_metrics()
    {
        await using var lab = await JobEngineHost.StartAsync(new Dictionary<string, string?> { ["Workers:Queues:cpu"] = "0" }, workers: 0);
        var run = await SucceededWithEmptyFolderAsync(lab);

        using (var scope = lab.Services.CreateScope())
        {
            var job = scope.ServiceProvider.GetRequiredService<AttackRunJob>();
            // Thrown so that Hangfire records the job as Failed: that is how the run page shows it.
            await Assert.ThrowsAsync<InvalidOperationException>(() => job.ExecuteAsync(run.Id, ["fgsm"], 10, CancellationToken.None));
        }

        var after = (await lab.Store.GetRunAsync(run.Id))!;
        Assert.Equal(RunStatus.Succeeded, after.Status);
        Assert.Null(after.Error);
        Assert.Equal(run.MetricsJson, after.MetricsJson);
        Assert.Null(after.LeaseOwner);
        var lines = RunLog.Tail(after.RunDir)!.Select(l => l[21..]).ToList();
        Assert.Equal("attacking: fgsm on the correctly classified among 10 test images", lines[0]);
        Assert.StartsWith("attacks failed: ", lines[^1]);
        Assert.Contains("run.json", lines[^1]);
    }

    [Fact]
    public async Task An_attack_job_for_a_run_another_worker_holds_fails_and_leaves_the_run_alone()
    {
        await using var lab = await JobEngineHost.StartAsync(new Dictionary<string, string?> { ["Workers:Queues:cpu"] = "0" }, workers: 0);
        var run = await SucceededWithEmptyFolderAsync(lab);
        Assert.True(await lab.Store.TryAcquireLeaseAsync(run.Id, "other-machine:1:abc", TimeSpan.FromMinutes(10)));

        using (var scope = lab.Services.CreateScope())
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                scope.ServiceProvider.GetRequiredService<AttackRunJob>().ExecuteAsync(run.Id, ["fgsm"], 10, CancellationToken.None));
            Assert.Contains("another worker holds this run", error.Message); // the job ends Failed, with why
        }

        var after = (await lab.Store.GetRunAsync(run.Id))!;
        Assert.Equal("other-machine:1:abc", after.LeaseOwner);
        Assert.Equal(run.MetricsJson, after.MetricsJson);
        Assert.Empty(RunLog.Tail(after.RunDir) ?? []);   // nothing written into a folder this job never held
        Assert.False(await lab.Store.DeleteRunAsync(run.Id)); // not while it is being attacked
    }

    [Fact]
    public async Task An_attack_job_on_a_worker_without_the_run_folder_fails_naming_it_and_creates_nothing()
    {
        await using var lab = await JobEngineHost.StartAsync(new Dictionary<string, string?> { ["Workers:Queues:cpu"] = "0" }, workers: 0);
        var run = await SucceededWithEmptyFolderAsync(lab, createFolder: false);

        using (var scope = lab.Services.CreateScope())
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                scope.ServiceProvider.GetRequiredService<AttackRunJob>().ExecuteAsync(run.Id, ["fgsm"], 10, CancellationToken.None));
            Assert.Contains(run.RunDir!, error.Message);
            Assert.Contains("not on this worker", error.Message);
        }

        Assert.False(Directory.Exists(run.RunDir), "the job created the run folder");
        var after = (await lab.Store.GetRunAsync(run.Id))!;
        Assert.Equal(RunStatus.Succeeded, after.Status);
        Assert.Equal(run.MetricsJson, after.MetricsJson);
        Assert.Null(after.LeaseOwner);
    }

    [Fact]
    public async Task Cancelling_a_run_that_is_being_attacked_stops_the_attacks_and_the_run_keeps_its_metrics()
    {
        await using var lab = await JobEngineHost.StartAsync();
        var run = await lab.SubmitAsync(JobEngineHost.TinyRun);
        var trained = await lab.WaitUntilFinishedAsync(run.Id);
        Assert.True(trained.Status == RunStatus.Succeeded, $"status {trained.Status}: {trained.Error}");
        await lab.WaitForAsync(run.Id, r => r.LeaseOwner is null, TimeSpan.FromSeconds(10));

        // The whole suite on every test image: minutes on this machine, so it is still attacking when the cancel comes.
        using var scope = lab.Services.CreateScope();
        var attacking = scope.ServiceProvider.GetRequiredService<AttackRunJob>().ExecuteAsync(
            run.Id, [.. AttackCatalog.Names], 100, CancellationToken.None);
        await lab.WaitForAsync(run.Id, r => (RunLog.Tail(r.RunDir) ?? []).Any(l => l.Contains("images (attack 1 of")), TimeSpan.FromMinutes(1));

        var cancelled = Stopwatch.StartNew();
        Assert.True(await lab.Queue.CancelAsync(run.Id));
        await attacking.WaitAsync(TimeSpan.FromSeconds(30)); // ends without throwing: a cancel is not a failure
        Assert.True(cancelled.Elapsed < TimeSpan.FromSeconds(30));

        var after = (await lab.Store.GetRunAsync(run.Id))!;
        Assert.Equal(RunStatus.Succeeded, after.Status);
        Assert.Equal(trained.MetricsJson, after.MetricsJson);
        Assert.Null(after.LeaseOwner);
        Assert.Null(RunFolder.ReadRunJson(after.RunDir!).Metrics!.Attacks);
        Assert.Equal("attacks cancelled; the run keeps its earlier metrics", RunLog.Tail(after.RunDir)![^1][21..]);
    }

    /// <summary>A run the store records as succeeded with metrics, whose folder holds nothing (no run.json, no weights).</summary>
    static async Task<RunEntity> SucceededWithEmptyFolderAsync(JobEngineHost lab, bool createFolder = true)
    {
        var run = await lab.Store.CreateRunAsync(JobEngineHost.TinyRun);
        await lab.Store.SetMetricsAsync(run.Id, FakeRunStore.SampleMetrics());
        await lab.Store.SetStatusAsync(run.Id, RunStatus.Succeeded);
        if (createFolder) Directory.CreateDirectory(run.RunDir!);
        return (await lab.Store.GetRunAsync(run.Id))!;
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
