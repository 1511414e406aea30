using Microsoft.Extensions.DependencyInjection;
using RobustLab.Training.Runtime;
using RobustLab.Training.Loop;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Jobs;

public class RunRecoveryTests
{
    public RunRecoveryTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public async Task Recovery_requeues_a_running_run_whose_lease_expired()
    {
        // No workers and no periodic passes (interval 1 h): the test runs one recovery pass itself. The service's start-up
        // pass still runs, on the thread pool, whenever it gets there; were it to come after the dead lease below expired,
        // it would re-queue that run itself. So a marker run, left Running without a lease before the host starts, shows
        // when the start-up pass is over: the test's runs are created only after it.
        Guid marker = Guid.Empty;
        await using var lab = await JobEngineHost.StartAsync(
            new Dictionary<string, string?> { ["Workers:Queues:cpu"] = "0", ["Runs:RecoveryInterval"] = "01:00:00" }, workers: 0,
            beforeStart: async store =>
            {
                marker = (await store.CreateRunAsync(JobEngineHost.TinyRun with { Seed = 1 })).Id;
                await store.SetStatusAsync(marker, RunStatus.Running);
            });
        // Queued with a job and its hand-over lease released: the start-up pass has finished with it, its last run.
        await lab.WaitForAsync(marker, r => r.Status == RunStatus.Queued && r.JobId is not null && r.LeaseOwner is null, TimeSpan.FromSeconds(60));

        var run = await lab.Store.CreateRunAsync(JobEngineHost.TinyRun);
        Assert.True(await lab.Store.TryAcquireLeaseAsync(run.Id, "dead-worker:42:x", TimeSpan.FromMilliseconds(50)));
        await lab.Store.SetStatusAsync(run.Id, RunStatus.Running);
        var live = await lab.Store.CreateRunAsync(JobEngineHost.TinyRun with { Seed = 9 });
        Assert.True(await lab.Store.TryAcquireLeaseAsync(live.Id, "live-worker:7:y", TimeSpan.FromMinutes(10)));
        await lab.Store.SetStatusAsync(live.Id, RunStatus.Running);
        await Task.Delay(200);

        var recovered = await lab.Services.GetRequiredService<RunRecoveryService>().RecoverAsync(DateTimeOffset.UtcNow);

        Assert.Equal([run.Id], recovered);
        var after = await lab.Store.GetRunAsync(run.Id);
        Assert.Equal(RunStatus.Queued, after!.Status);
        Assert.NotNull(after.JobId);
        Assert.Null(after.LeaseOwner);
        var untouched = await lab.Store.GetRunAsync(live.Id);
        Assert.Equal(RunStatus.Running, untouched!.Status);
        Assert.Equal("live-worker:7:y", untouched.LeaseOwner);
    }

    [Fact]
    public async Task Abandoned_run_is_resumed_by_recovery_and_records_every_epoch_once()
    {
        await using var lab = await JobEngineHost.StartAsync();
        var options = JobEngineHost.TinyRun with { Epochs = 3 };
        var run = await lab.Store.CreateRunAsync(options);

        // A worker that died after epoch 1: its state is on disk, its epoch is not in the store, its lease expired.
        using (var crash = new CancellationTokenSource())
        {
            var stopAfterFirst = new RunCallbacks(OnEpoch: e => { if (e.Epoch == 1) crash.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() =>
                RunPipeline.Execute(options, Loop.TrainingTestData.Catalog(), run.RunDir!, stopAfterFirst, crash.Token));
        }
        Assert.True(await lab.Store.TryAcquireLeaseAsync(run.Id, "dead-worker:42:x", TimeSpan.FromMilliseconds(50)));
        await lab.Store.SetStatusAsync(run.Id, RunStatus.Running);
        var firstEpoch = ResumeState.TryRead(Path.Combine(run.RunDir!, RunPipeline.StateFolder))!.Reports.Single();

        // The host's recovery service (every 0.5 s) re-queues it; its worker resumes at epoch 2.
        var done = await lab.WaitUntilFinishedAsync(run.Id);

        Assert.True(done.Status == RunStatus.Succeeded, $"status {done.Status}: {done.Error}");
        Assert.Equal([1, 2, 3], done.EpochReports.OrderBy(e => e.Epoch).Select(e => e.Epoch));
        Assert.Equal(firstEpoch.TrainLoss, done.EpochReports.Single(e => e.Epoch == 1).TrainLoss, 9); // backfilled, not retrained
        Assert.NotNull(done.TestAccuracy);
    }

    [Fact]
    public async Task Stale_duplicate_job_of_a_run_that_another_worker_trains_does_not_disturb_it()
    {
        await using var lab = await JobEngineHost.StartAsync(workers: 2);
        var run = await lab.SubmitAsync(JobEngineHost.TinyRun with { TrainSubset = 3000, Epochs = 3 });
        await lab.WaitForAsync(run.Id, r => r.Status == RunStatus.Running && r.LeaseOwner is not null, TimeSpan.FromMinutes(2));
        string holder = (await lab.Store.GetRunAsync(run.Id))!.LeaseOwner!;

        await lab.Queue.EnqueueAsync(run); // a second delivery while the first worker trains
        var done = await lab.WaitUntilFinishedAsync(run.Id);

        Assert.True(done.Status == RunStatus.Succeeded, $"status {done.Status}: {done.Error}");
        Assert.Equal([1, 2, 3], done.EpochReports.OrderBy(e => e.Epoch).Select(e => e.Epoch));
        Assert.StartsWith(Web.Jobs.WorkerIdentity.Process, holder);
    }
}
