using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using RobustLab.Tests.Loop;
using RobustLab.Training.Runtime;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Jobs;

public class ServeHostTests
{
    public ServeHostTests() => TorchRuntime.EnsureLoaded();

    sealed class ServeFactory(string dataFolder) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Storage:DataFolder", dataFolder);
            builder.UseSetting("Workers:QueuePollInterval", "00:00:00.200");
            builder.UseSetting("Runs:Evaluation:GnrSteps", "6");
            builder.UseSetting("Runs:Evaluation:MomentGapImages", "32");
            builder.UseSetting("Runs:Evaluation:MomentGapSamples", "16");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }

    [Fact]
    public async Task Serve_trains_a_queued_run_in_process_and_publishes_its_progress()
    {
        using var folder = new TempFolder();
        await using var factory = new ServeFactory(folder.Path);
        using var http = factory.CreateClient();
        Assert.True((await http.GetAsync("/healthz")).IsSuccessStatusCode);

        var services = factory.Services;
        var seen = new ConcurrentQueue<RunProgress>();
        services.GetRequiredService<RunEvents>().Changed += seen.Enqueue;
        var store = services.GetRequiredService<IRunStore>();
        var run = await store.CreateRunAsync(JobEngineHost.TinyRun);
        await services.GetRequiredService<IRunQueue>().EnqueueAsync(run);

        var deadline = DateTime.UtcNow.AddMinutes(3);
        RunEntity? now;
        while (!(now = await store.GetRunAsync(run.Id, withEpochs: true))!.Status.IsFinished() && DateTime.UtcNow < deadline)
            await Task.Delay(100);

        Assert.True(now.Status == RunStatus.Succeeded, $"status {now.Status}: {now.Error}");
        Assert.Equal(2, now.EpochReports.Count);
        Assert.Contains(seen, p => p.RunId == run.Id && p.Status == RunStatus.Succeeded);
        Assert.True(File.Exists(Path.Combine(folder.Path, "hangfire.db")));
        Assert.True(File.Exists(Path.Combine(folder.Path, RunStoreSetup.SqliteFileName)));
    }
}
