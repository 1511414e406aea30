using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using RobustLab.Tests.Loop;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Runtime;
using RobustLab.Training.Loop;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Jobs;

public class TrainRunJobTests
{
    public TrainRunJobTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public async Task Tiny_run_goes_queued_running_evaluating_succeeded_with_two_epochs_and_metrics()
    {
        await using var lab = await JobEngineHost.StartAsync();
        var seen = new ConcurrentQueue<RunProgress>();
        lab.Events.Changed += p => seen.Enqueue(p);

        var run = await lab.SubmitAsync(JobEngineHost.TinyRun);
        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.Equal("cpu", run.Queue);
        var done = await lab.WaitUntilFinishedAsync(run.Id);

        Assert.True(done.Status == RunStatus.Succeeded, $"status {done.Status}: {done.Error}");
        Assert.Equal([1, 2], done.EpochReports.OrderBy(e => e.Epoch).Select(e => e.Epoch));
        Assert.NotNull(done.TestAccuracy);
        Assert.NotNull(done.Gnr);
        Assert.NotNull(done.MetricsJson);
        Assert.NotNull(done.StartedAt);
        Assert.NotNull(done.FinishedAt);
        Assert.NotNull(done.JobId);
        // The job releases the lease just after it records the final status.
        await lab.WaitForAsync(run.Id, r => r.LeaseOwner is null, TimeSpan.FromSeconds(10));
        Assert.Equal(2, done.Epoch);
        foreach (var file in new[] { RunFolder.ModelDatFile, RunFolder.SafetensorsFile, RunFolder.RunJsonFile })
            Assert.True(File.Exists(Path.Combine(done.RunDir!, file)), file);
        Assert.False(Directory.Exists(Path.Combine(done.RunDir!, RunPipeline.StateFolder)));

        // In-process subscribers saw the whole lifecycle, in order, with progress and both epochs.
        var mine = seen.Where(p => p.RunId == run.Id).ToList();
        var statuses = mine.Select(p => p.Status).Distinct().ToList();
        Assert.Equal([RunStatus.Running, RunStatus.Evaluating, RunStatus.Succeeded], statuses);
        Assert.Equal([1, 2], mine.Where(p => p.FinishedEpoch is not null).Select(p => p.FinishedEpoch!.Epoch));
        Assert.Contains(mine, p => p.Status == RunStatus.Running && p.EpochProgress is > 0 and < 1);
    }

    [Fact]
    public async Task A_run_with_attacks_stays_evaluating_while_attacking_logs_each_attack_and_stores_the_report()
    {
        await using var lab = await JobEngineHost.StartAsync();
        var seen = new ConcurrentQueue<RunProgress>();
        lab.Events.Changed += p => seen.Enqueue(p);

        var run = await lab.SubmitAsync(JobEngineHost.TinyRun with { Attacks = ["fgsm", "gaussian"], AttackSamples = 20 });
        var done = await lab.WaitUntilFinishedAsync(run.Id);

        Assert.True(done.Status == RunStatus.Succeeded, $"status {done.Status}: {done.Error}");
        var mine = seen.Where(p => p.RunId == run.Id).ToList();
        Assert.Equal([RunStatus.Running, RunStatus.Evaluating, RunStatus.Succeeded], mine.Select(p => p.Status).Distinct());
        Assert.Contains(mine, p => p.Status == RunStatus.Evaluating && p.EpochProgress < 1); // attacking
        Assert.Equal(1, done.EpochProgress);

        var report = done.ReadMetrics()!.Attacks!;
        Assert.Equal(20, report.Samples);
        Assert.Equal(["fgsm", "gaussian"], report.Attacks.Select(a => a.Attack));

        var lines = RunLog.Tail(done.RunDir)!.Select(l => l[21..]).ToList(); // without the timestamp
        int evaluating = lines.IndexOf("status evaluating");
        int attacking = lines.IndexOf("attacking: fgsm, gaussian on the correctly classified among 20 test images");
        Assert.InRange(attacking, evaluating + 1, lines.Count - 1);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^attacking: fgsm 0/\d+ images \(attack 1 of 2\)$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^attacking: gaussian (\d+)/\1 images \(attack 2 of 2\)$"));
        Assert.StartsWith("status succeeded", lines[^1]);
    }

    [Fact]
    public async Task Cancel_of_a_running_run_stops_it_within_a_batch_and_the_run_ends_cancelled()
    {
        // Progress after every batch (interval 0): each batch the worker finishes is one Running event with its progress.
        await using var lab = await JobEngineHost.StartAsync(new Dictionary<string, string?> { ["Runs:ProgressInterval"] = "00:00:00" });
        var batches = new ConcurrentQueue<RunProgress>();
        lab.Events.Changed += p =>
        {
            if (p.Status == RunStatus.Running && p.FinishedEpoch is null && p.EpochProgress > 0) batches.Enqueue(p);
        };
        var run = await lab.SubmitAsync(JobEngineHost.LongRun);
        await lab.WaitForAsync(run.Id, r => r.Status == RunStatus.Running && (r.Epoch >= 1 || r.EpochProgress > 0), TimeSpan.FromMinutes(2));

        Assert.True(await lab.Queue.CancelAsync(run.Id));
        // The cancel is signalled; from here on at most the batch in flight may finish.
        int finishedBeforeCancel = batches.Count;
        var done = await lab.WaitUntilFinishedAsync(run.Id, TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Cancelled, done.Status);
        var afterCancel = batches.Skip(finishedBeforeCancel).Where(p => p.RunId == run.Id).ToList();
        Assert.True(afterCancel.Count <= 1,
            $"{afterCancel.Count} batches finished after the cancel: " + string.Join(", ", afterCancel.Select(p => $"epoch {p.Epoch} at {p.EpochProgress:P0}")));
        // The job releases the lease just after it records the final status.
        await lab.WaitForAsync(run.Id, r => r.LeaseOwner is null, TimeSpan.FromSeconds(10));
        Assert.Null(done.TestAccuracy);
        Assert.True(done.Epoch < 100);
        // Stopped by this job, not by a later delivery that found the cancel before it started.
        Assert.Equal("status cancelled", RunLog.Tail(done.RunDir)!.Select(l => l[21..]).Last(l => l.StartsWith("status ")));
    }

    [Fact]
    public async Task Cancel_written_to_the_store_by_another_process_reaches_the_worker_through_its_heartbeat()
    {
        await using var lab = await JobEngineHost.StartAsync();
        var run = await lab.SubmitAsync(JobEngineHost.LongRun);
        await lab.WaitForAsync(run.Id, r => r.Status == RunStatus.Running && (r.Epoch >= 1 || r.EpochProgress > 0), TimeSpan.FromMinutes(2));

        Assert.True(await lab.Store.RequestCancelAsync(run.Id)); // the store only: no in-process signal
        // The heartbeat reads the flag every 0.25 s; 30 s is only how long a loaded machine may take to get there.
        var done = await lab.WaitUntilFinishedAsync(run.Id, TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Cancelled, done.Status);
        Assert.True(done.Epoch < 100);
    }

    [Fact]
    public async Task Cancelled_run_resumes_after_its_last_finished_epoch_when_retried()
    {
        await using var lab = await JobEngineHost.StartAsync();
        var run = await lab.SubmitAsync(JobEngineHost.TinyRun with { TrainSubset = 3000, Epochs = 3 });
        await lab.WaitForAsync(run.Id, r => r.EpochReports.Count >= 1, TimeSpan.FromMinutes(2));
        await lab.Queue.CancelAsync(run.Id);
        var cancelled = await lab.WaitUntilFinishedAsync(run.Id);
        Assert.Equal(RunStatus.Cancelled, cancelled.Status);
        var before = cancelled.EpochReports.ToDictionary(e => e.Epoch, e => e.RecordedAt);

        Assert.NotNull(await lab.Queue.RetryAsync(run.Id));
        var done = await lab.WaitUntilFinishedAsync(run.Id);

        Assert.True(done.Status == RunStatus.Succeeded, $"status {done.Status}: {done.Error}");
        Assert.Equal([1, 2, 3], done.EpochReports.OrderBy(e => e.Epoch).Select(e => e.Epoch));
        foreach (var (epoch, recordedAt) in before)
            Assert.Equal(recordedAt, done.EpochReports.Single(e => e.Epoch == epoch).RecordedAt); // kept, not redone
        Assert.Equal([1, 2, 3], RunFolder.ReadRunJson(done.RunDir!).Epochs.Select(e => e.Epoch));
    }

    [Fact]
    public async Task Job_for_a_run_whose_lease_another_owner_holds_does_nothing()
    {
        await using var lab = await JobEngineHost.StartAsync(new Dictionary<string, string?> { ["Workers:Queues:cpu"] = "0" }, workers: 0);
        var run = await lab.Store.CreateRunAsync(JobEngineHost.TinyRun);
        Assert.True(await lab.Store.TryAcquireLeaseAsync(run.Id, "other-machine:1:abc", TimeSpan.FromMinutes(10)));

        using (var scope = lab.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<TrainRunJob>().ExecuteAsync(run.Id, CancellationToken.None);

        var after = await lab.Store.GetRunAsync(run.Id, withEpochs: true);
        Assert.Equal(RunStatus.Queued, after!.Status);
        Assert.Equal("other-machine:1:abc", after.LeaseOwner);
        Assert.Empty(after.EpochReports);
        Assert.Null(after.StartedAt);
        Assert.False(Directory.Exists(after.RunDir!));
    }

    [Fact]
    public async Task Job_for_a_finished_run_does_nothing()
    {
        await using var lab = await JobEngineHost.StartAsync(new Dictionary<string, string?> { ["Workers:Queues:cpu"] = "0" }, workers: 0);
        var run = await lab.Store.CreateRunAsync(JobEngineHost.TinyRun);
        Assert.True(await lab.Store.RequestCancelAsync(run.Id)); // queued -> Cancelled at once

        using (var scope = lab.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<TrainRunJob>().ExecuteAsync(run.Id, CancellationToken.None);

        var after = await lab.Store.GetRunAsync(run.Id);
        Assert.Equal(RunStatus.Cancelled, after!.Status);
        Assert.Null(after.LeaseOwner);
        Assert.False(Directory.Exists(after.RunDir!));
    }

    [Fact]
    public async Task A_run_whose_loss_diverges_fails_with_a_message_naming_the_epoch_and_batch_and_no_metrics()
    {
        using var data = new TempFolder();
        DivergingRun.WriteData(data.Path);
        await using var lab = await JobEngineHost.StartAsync(new Dictionary<string, string?> { ["Data:Root"] = data.Path });
        var run = await lab.SubmitAsync(DivergingRun.Options);
        var done = await lab.WaitUntilFinishedAsync(run.Id);

        Assert.Equal(RunStatus.Failed, done.Status);
        Assert.Matches($@"^training diverged: the loss became (NaN|infinite) at epoch 1, batch \d+ of {DivergingRun.Batches}; lower the learning rate", done.Error);
        Assert.Null(done.TestAccuracy);
        Assert.Null(done.MetricsJson);
        Assert.StartsWith("status failed: training diverged: ", RunLog.Tail(done.RunDir)![^1][21..]);
        await lab.WaitForAsync(run.Id, r => r.LeaseOwner is null, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Run_with_a_missing_data_set_fails_with_a_one_line_error()
    {
        await using var lab = await JobEngineHost.StartAsync(new Dictionary<string, string?> { ["Data:Root"] = "/nonexistent-robustlab-data" });
        var run = await lab.SubmitAsync(JobEngineHost.TinyRun with { Dataset = "mnist" });
        var done = await lab.WaitUntilFinishedAsync(run.Id, TimeSpan.FromSeconds(60));

        Assert.Equal(RunStatus.Failed, done.Status);
        Assert.False(string.IsNullOrWhiteSpace(done.Error));
        Assert.DoesNotContain('\n', done.Error!);
        Assert.Contains("mnist", done.Error!, StringComparison.OrdinalIgnoreCase);
        // The job releases the lease just after it records the final status.
        await lab.WaitForAsync(run.Id, r => r.LeaseOwner is null, TimeSpan.FromSeconds(10));
    }
}
