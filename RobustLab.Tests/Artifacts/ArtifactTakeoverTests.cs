using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using RobustLab.Tests.Jobs;
using RobustLab.Tests.Loop;
using RobustLab.Training.Certification;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Loop;
using RobustLab.Training.Runtime;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Artifacts;

/// <summary>
/// Two worker hosts in this process on one run store, each with its own data folder and no shared files, and one
/// artifact store between them (in memory, keeping the store contract): worker A stops after epoch 1, worker B resumes
/// from epoch 2 with only what the store holds, every epoch is recorded once, and the finished files are in the store;
/// worker C, which never had the run, certifies it from the store.
/// The same scenario with real processes, PostgreSQL and the real stores is WorkerCrashArtifactTests.
/// </summary>
public sealed class ArtifactTakeoverTests
{
    public ArtifactTakeoverTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public async Task A_run_stopped_after_epoch_one_resumes_on_another_worker_from_the_store_alone()
    {
        using var shared = new TempFolder();
        var store = new MemoryArtifactStore();
        Dictionary<string, string?> Settings(string name) => new()
        {
            ["Storage:DataFolder"] = shared.Sub(name),
            ["Storage:ConnectionString"] = $"Data Source={shared.Sub("robustlab.db")}",
            ["Storage:Artifacts"] = "database",
            ["Workers:Queues:cpu"] = "0",
        };
        void WithStore(IServiceCollection services) => services.AddSingleton<IArtifactStore>(store);

        RunEntity run;
        IReadOnlyList<EpochEntity> beforeTakeover;
        string folderA;
        await using (var a = await JobEngineHost.StartAsync(Settings("a"), workers: 0, services: WithStore))
        {
            run = await a.Store.CreateRunAsync(JobEngineHost.TinyRun with { TrainSubset = 3000, Epochs = 3 });
            // Worker A stops as soon as epoch 1 is recorded (the worker stopping: the run stays Running).
            using var stop = new CancellationTokenSource();
            a.Events.Changed += p => { if (p.RunId == run.Id && p.FinishedEpoch is { Epoch: 1 }) stop.Cancel(); };
            using (var scope = a.Services.CreateScope())
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                    scope.ServiceProvider.GetRequiredService<TrainRunJob>().ExecuteAsync(run.Id, stop.Token));
            var stopped = await a.Store.GetRunAsync(run.Id, withEpochs: true);
            Assert.False(stopped!.Status.IsFinished(), $"the stopped run is {stopped.Status}"); // Running, or Queued again by recovery
            beforeTakeover = stopped.EpochReports.OrderBy(e => e.Epoch).ToList();
            Assert.Equal([1], beforeTakeover.Select(e => e.Epoch));
            folderA = a.Services.GetRequiredService<RunArtifacts>().WorkDir(run)!;
        }
        // An epoch in the run store has its state in the artifact store.
        Assert.Contains(RunArtifacts.StatePrefix + "epoch-0001.model.dat", store.Names(run.Id));
        Assert.Contains(RunArtifacts.StatePrefix + ResumeState.FileName, store.Names(run.Id));
        Directory.Delete(folderA, recursive: true); // worker A's disk is gone: B has the store only

        await using var b = await JobEngineHost.StartAsync(Settings("b"), workers: 0, services: WithStore);
        var artifactsB = b.Services.GetRequiredService<RunArtifacts>();
        Assert.NotEqual(folderA, artifactsB.WorkDir(run));
        // B's recovery service re-queues the stopped run, holding its lease for a moment while it does; a job that finds
        // the lease held does nothing (Hangfire then delivers the re-queued job). So deliver the job as Hangfire would:
        // again until the run has finished.
        for (int delivery = 1; delivery <= 10; delivery++)
        {
            using (var scope = b.Services.CreateScope())
                await scope.ServiceProvider.GetRequiredService<TrainRunJob>().ExecuteAsync(run.Id, CancellationToken.None);
            if ((await b.Store.GetRunAsync(run.Id))!.Status.IsFinished()) break;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var done = await b.Store.GetRunAsync(run.Id, withEpochs: true);
        Assert.True(done!.Status == RunStatus.Succeeded, $"status {done.Status}: {done.Error}");
        Assert.Equal([1, 2, 3], done.EpochReports.OrderBy(e => e.Epoch).Select(e => e.Epoch));
        Assert.Equal(beforeTakeover[0].RecordedAt, done.EpochReports.Single(e => e.Epoch == 1).RecordedAt);
        Assert.False(Directory.Exists(folderA), "worker B never wrote into worker A's folder");

        // Epoch 1 was not trained again: the stored run.json (written by B) keeps A's timing of it.
        string? runJson = await artifactsB.EnsureLocalFileAsync(done, RunFolder.RunJsonFile, CancellationToken.None);
        var record = RunFolder.ReadRunJson(Path.GetDirectoryName(runJson)!);
        Assert.Equal([1, 2, 3], record.Epochs.Select(e => e.Epoch));
        Assert.Equal(beforeTakeover[0].Seconds, record.Epochs[0].Seconds, 9);

        // The finished run's files are stored, its resume state is not, and the weights are the ones B wrote.
        Assert.Equal(new[] { RunFolder.ModelDatFile, RunFolder.SafetensorsFile, RunFolder.RunJsonFile, RunLog.FileName }.Order(StringComparer.Ordinal),
            store.Names(run.Id));
        byte[] written = await File.ReadAllBytesAsync(Path.Combine(artifactsB.WorkDir(run)!, RunFolder.SafetensorsFile));
        Assert.Equal(SHA256.HashData(written), SHA256.HashData(store.Bytes(run.Id, RunFolder.SafetensorsFile)));
        string log = System.Text.Encoding.UTF8.GetString(store.Bytes(run.Id, RunLog.FileName));
        Assert.Contains("resuming after epoch 1", log);
        Assert.Contains("epoch 1/3", log); // A's lines came through the store into B's log

        // Worker C never trained the run and has an empty data folder: it certifies it from the store.
        await using var c = await JobEngineHost.StartAsync(Settings("c"), workers: 0, services: WithStore);
        using (var scope = c.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<CertifyRunJob>().ExecuteAsync(run.Id, [0.25], 10, 50, 0.01, 5, CancellationToken.None);
        var certified = await c.Store.GetRunAsync(run.Id);
        Assert.Equal(0.25, Assert.Single(certified!.ReadMetrics()!.Certification).Sigma);
        string csv = CertificationCsv.FileName(0.25);
        Assert.Contains(csv, store.Names(run.Id));
        var storedRecord = System.Text.Json.JsonSerializer.Deserialize<RunRecord>(store.Bytes(run.Id, RunFolder.RunJsonFile), RunJson.Options)!;
        Assert.Equal(0.25, Assert.Single(storedRecord.Metrics!.Certification).Sigma); // run.json pushed with the CSV
        Assert.Contains("certification finished", System.Text.Encoding.UTF8.GetString(store.Bytes(run.Id, RunLog.FileName)));
    }
}
