using System.Text.Json;
using RobustLab.Tests.Api;
using RobustLab.Training.Data;
using RobustLab.Training.Runtime;

namespace RobustLab.Tests.Jobs;

/// <summary>A run that asks for certification and corruptions gets both after it succeeds, as chained jobs, and stays Succeeded.</summary>
public class AfterTrainingChainTests
{
    public AfterTrainingChainTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public async Task A_run_asking_for_certification_and_corruptions_gets_both_after_training()
    {
        Assert.True(new DatasetCatalog().Describe("fashion-mnist").Found, "Fashion-MNIST is missing: run scripts/setup.sh.");
        await using var app = new RealAppFactory();
        var client = app.CreateClient();
        const string body = """
            {"dataset": "fashion-mnist", "method": "augmentation", "sigma": 0.25, "copies": 1, "trainSubset": 600, "testSubset": 100,
             "epochs": 1, "batchSize": 100, "lr": 0.001, "seed": 3,
             "certify": {"n0": 10, "n": 100, "alpha": 0.01, "images": 10},
             "corruptions": {"corruptions": ["brightness"], "severities": [1], "testSubset": 20}}
            """;
        var id = (await ApiAssert.JsonAsync(await client.PostAsync("/api/runs", new StringContent(body, System.Text.Encoding.UTF8, "application/json")), 201))
            .GetProperty("id").GetGuid();

        var until = DateTime.UtcNow + TimeSpan.FromMinutes(10); // a loaded 2-core machine trains this in 2 minutes and certifies in 1-3
        JsonElement run;
        while (true)
        {
            run = await ApiAssert.JsonAsync(await client.GetAsync($"/api/runs/{id}"), 200);
            string status = run.GetProperty("status").GetString()!;
            Assert.True(status is "queued" or "running" or "evaluating" or "succeeded", run.ToString());
            if (run.GetProperty("metrics") is { ValueKind: JsonValueKind.Object } m
                && m.GetProperty("certification").ValueKind == JsonValueKind.Array && m.GetProperty("corruptions").ValueKind == JsonValueKind.Object)
                break;
            Assert.True(DateTime.UtcNow < until, "the chain did not finish in 10 minutes; the run log:\n" +
                string.Join("\n", RobustLab.Web.Jobs.RunLog.Tail(Path.Combine(app.DataFolder, "runs", id.ToString("N"))) ?? []));
            await Task.Delay(250);
        }
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var metrics = run.GetProperty("metrics");
        var certified = Assert.Single(metrics.GetProperty("certification").EnumerateArray());
        Assert.Equal(0.25, certified.GetProperty("sigma").GetDouble()); // the training sigma
        Assert.Equal(10, certified.GetProperty("images").GetInt32());
        Assert.Equal(20, metrics.GetProperty("corruptions").GetProperty("images").GetInt32());
        Assert.Equal(["training", "evaluating", "certifying", "corrupting"],
            metrics.GetProperty("timings").EnumerateArray().Select(t => t.GetProperty("stage").GetString()));
    }
}
