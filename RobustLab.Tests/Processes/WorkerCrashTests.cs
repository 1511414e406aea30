using RobustLab.Training.Checkpoints;
using RobustLab.Web.Runs;
using Xunit.Abstractions;

namespace RobustLab.Tests.Processes;

/// <summary>
/// A worker killed with SIGKILL in the middle of a run (issue 4): after a restart the run resumes from its last finished
/// epoch, finishes, and every epoch is recorded exactly once; no finished epoch is trained again. Real processes: a
/// submitting <c>robustlab serve</c>, a <c>robustlab worker</c> that is killed, and a second one that takes over.
/// </summary>
public static class WorkerCrashScenario
{
    public const int Epochs = 4;

    public static async Task RunAsync(LabDeployment lab, ITestOutputHelper log)
    {
        await lab.StartServeAsync();
        var id = await lab.SubmitAsync(LabDeployment.TinyRun(epochs: Epochs, trainSubset: 1000, testSubset: 200));

        // Worker 1 trains until the first epoch is in the store, then dies without any chance to clean up.
        var first = lab.StartWorker("worker-1");
        var atFirstEpoch = await lab.WaitForRunAsync(id, r => r.EpochReports.Count >= 1 || r.Status.IsFinished(),
            TimeSpan.FromMinutes(5), every: TimeSpan.FromMilliseconds(50));
        first.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        int exitCode = await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == RobustLabProcess.KilledExitCode, $"worker-1 exit code {exitCode}, expected 137 (SIGKILL)\n{lab.Outputs()}");
        Assert.True(atFirstEpoch.Status is RunStatus.Running, $"the run was {atFirstEpoch.Status.Name()} when worker-1 was killed\n{lab.Outputs()}");

        var beforeRestart = await lab.GetRunAsync(id);
        var recordedBeforeKill = beforeRestart.EpochReports.OrderBy(e => e.Epoch).ToList();
        log.WriteLine($"worker-1 killed after epoch(s) {string.Join(",", recordedBeforeKill.Select(e => e.Epoch))}; lease owner {beforeRestart.LeaseOwner}");
        Assert.InRange(recordedBeforeKill.Count, 1, Epochs - 1); // killed mid-run, not after the last epoch
        Assert.Equal(Enumerable.Range(1, recordedBeforeKill.Count), recordedBeforeKill.Select(e => e.Epoch));
        Assert.Equal(RunStatus.Running, beforeRestart.Status); // nobody marked it finished or failed
        // Worker 1 held the run when it died. (Its log line may not have left the console logger's queue before
        // SIGKILL, so the lease, written synchronously to the store, is the evidence.)
        Assert.Contains($":{first.Id}:", beforeRestart.LeaseOwner ?? "");

        // Worker 2: once worker-1's lease expires, recovery re-queues the run and it resumes from its state.
        var second = lab.StartWorker("worker-2");
        var run = await lab.WaitForRunAsync(id, r => r.Status.IsFinished(), TimeSpan.FromMinutes(8), every: TimeSpan.FromMilliseconds(250));
        log.WriteLine(lab.Outputs());

        Assert.True(run.Status == RunStatus.Succeeded, $"run ended {run.Status.Name()}: {run.Error}\n{lab.Outputs()}");
        Assert.Null(run.Error);
        Assert.NotNull(run.TestAccuracy);
        Assert.NotNull(run.Gnr);

        // Every epoch exactly once, in order.
        var epochs = run.EpochReports.OrderBy(e => e.Epoch).ToList();
        Assert.Equal(Enumerable.Range(1, Epochs), epochs.Select(e => e.Epoch));
        Assert.Equal(Epochs, run.EpochReports.Count);

        // The epochs finished before the kill kept their first record, and the rest were recorded after the restart.
        foreach (var before in recordedBeforeKill)
        {
            var after = epochs.Single(e => e.Epoch == before.Epoch);
            Assert.Equal(before.RecordedAt, after.RecordedAt);
            Assert.Equal(before.Seconds, after.Seconds);
            Assert.True(before.RecordedAt < killedAt);
        }
        foreach (var e in epochs.Skip(recordedBeforeKill.Count))
            Assert.True(e.RecordedAt > killedAt, $"epoch {e.Epoch} recorded at {e.RecordedAt:O}, before the kill at {killedAt:O}");

        // No epoch was trained again: the run folder's run.json (rewritten by the trainer after every epoch, restored
        // from the resume state on restart) holds the same timing for each epoch as the store, which keeps the first
        // report of an epoch. A redone epoch would carry a fresh timing in run.json.
        Assert.False(string.IsNullOrEmpty(run.RunDir));
        var record = RunFolder.ReadRunJson(run.RunDir!);
        Assert.Equal(Enumerable.Range(1, Epochs), record.Epochs.Select(e => e.Epoch));
        foreach (var e in record.Epochs)
            Assert.True(Math.Abs(e.Seconds - epochs[e.Epoch - 1].Seconds) <= 1e-9 * Math.Max(1, e.Seconds),
                $"epoch {e.Epoch}: run.json says {e.Seconds} s, the store {epochs[e.Epoch - 1].Seconds} s: it was trained twice\n{lab.Outputs()}");
        Assert.False(Directory.Exists(Path.Combine(run.RunDir!, "state")), "the resume state is deleted when a run finishes");

        // The second worker says it trained and finished the run. The console logger writes on its own thread, so the
        // line can trail the store's Succeeded by a moment: wait for it.
        await second.WaitForOutputAsync(l => l.Contains($"Run {id} succeeded"), TimeSpan.FromSeconds(30));
        Assert.Contains($"Run {id}: training", second.Output);
        Assert.Contains($"Run {id} succeeded", second.Output);
        Assert.DoesNotContain($"Run {id} succeeded", first.Output);
        Assert.False(second.HasExited, $"worker-2 stopped\n{second.Output}");
    }
}

[Trait("Category", "Slow")]
public sealed class WorkerCrashSqliteTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Worker_killed_mid_run_resumes_after_restart_with_every_epoch_recorded_once_on_the_embedded_store()
    {
        await using var lab = new LabDeployment(StorageProvider.Sqlite);
        await WorkerCrashScenario.RunAsync(lab, log);
    }
}

[Trait("Category", "Slow")]
[Collection(PostgresCollection.Name)]
public sealed class WorkerCrashPostgresTests(PostgresFixture postgres, ITestOutputHelper log)
{
    [Fact]
    public async Task Worker_killed_mid_run_resumes_after_restart_with_every_epoch_recorded_once_on_postgresql()
    {
        string cs = await postgres.CreateDatabaseAsync(PostgresFixture.UniqueName("crash"));
        // The shared-mount deployment: one data folder for every process, run folders as the only copy. Separate
        // data folders with an artifact store are WorkerCrashArtifactTests.
        await using var lab = new LabDeployment(StorageProvider.PostgreSql, cs, artifacts: ArtifactLocation.RunFolder);
        await WorkerCrashScenario.RunAsync(lab, log);
    }
}
