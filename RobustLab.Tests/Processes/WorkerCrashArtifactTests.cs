using System.Security.Cryptography;
using RobustLab.Training.Checkpoints;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Runs;
using Xunit.Abstractions;

namespace RobustLab.Tests.Processes;

/// <summary>
/// Issue 16: worker machines without a shared filesystem. PostgreSQL holds the queue and the run store, an artifact store
/// (the database, or a shared artifact folder) holds the runs' files, and every process has a data folder of its own:
/// serve, worker A and worker B. Worker A is killed with SIGKILL after epoch 1 and its data folder is deleted (its disk is
/// lost); worker B resumes after the last stored epoch with only what the store holds, every epoch is recorded once, and
/// the checkpoint downloads through serve with the SHA-256 of the file worker B wrote.
/// </summary>
public static class WorkerCrashArtifactScenario
{
    public const int Epochs = 4;

    public static async Task RunAsync(LabDeployment lab, ITestOutputHelper log)
    {
        var artifacts = lab.Artifacts ?? throw new InvalidOperationException("the scenario needs an artifact store");
        await lab.StartServeAsync(lab.DataFolderOf("serve", out string serveFolder));
        var id = await lab.SubmitAsync(LabDeployment.TinyRun(epochs: Epochs, trainSubset: 1000, testSubset: 200));

        var first = lab.StartWorker("worker-a", lab.DataFolderOf("worker-a", out string folderA));
        await lab.WaitForRunAsync(id, r => r.EpochReports.Count >= 1 || r.Status.IsFinished(), TimeSpan.FromMinutes(5),
            every: TimeSpan.FromMilliseconds(50));
        first.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        Assert.Equal(RobustLabProcess.KilledExitCode, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var beforeRestart = await lab.GetRunAsync(id);
        var recordedBeforeKill = beforeRestart.EpochReports.OrderBy(e => e.Epoch).ToList();
        log.WriteLine($"worker-a killed after epoch(s) {string.Join(",", recordedBeforeKill.Select(e => e.Epoch))}");
        Assert.True(beforeRestart.Status == RunStatus.Running,
            $"the run was {beforeRestart.Status.Name()} when worker-a was killed: {beforeRestart.Error}\n{lab.Outputs()}");
        Assert.InRange(recordedBeforeKill.Count, 1, Epochs - 1);
        Assert.Equal(Enumerable.Range(1, recordedBeforeKill.Count), recordedBeforeKill.Select(e => e.Epoch));
        // Every recorded epoch has its state in the store (state is pushed before the epoch is recorded).
        var storedAtKill = (await artifacts.ListAsync(id, CancellationToken.None)).Select(a => a.Name).ToList();
        Assert.Contains(RunArtifacts.StatePrefix + "state.json", storedAtKill);
        Assert.Contains(storedAtKill, n => n.StartsWith(RunArtifacts.StatePrefix + "epoch-", StringComparison.Ordinal));
        Assert.False(Directory.Exists(beforeRestart.RunDir), "nothing was written into serve's run folder path");
        Directory.Delete(folderA, recursive: true); // worker A's disk is gone

        var second = lab.StartWorker("worker-b", lab.DataFolderOf("worker-b", out string folderB));
        var run = await lab.WaitForRunAsync(id, r => r.Status.IsFinished(), TimeSpan.FromMinutes(8), every: TimeSpan.FromMilliseconds(250));
        log.WriteLine(lab.Outputs());
        Assert.True(run.Status == RunStatus.Succeeded, $"run ended {run.Status.Name()}: {run.Error}\n{lab.Outputs()}");

        // Every epoch once; those before the kill kept their first record, the rest came after it.
        var epochs = run.EpochReports.OrderBy(e => e.Epoch).ToList();
        Assert.Equal(Enumerable.Range(1, Epochs), epochs.Select(e => e.Epoch));
        foreach (var before in recordedBeforeKill)
            Assert.Equal(before.RecordedAt, epochs.Single(e => e.Epoch == before.Epoch).RecordedAt);
        foreach (var e in epochs.Skip(recordedBeforeKill.Count))
            Assert.True(e.RecordedAt > killedAt, $"epoch {e.Epoch} recorded at {e.RecordedAt:O}, before the kill at {killedAt:O}");

        // Worker B trained in its own folder, from the stored state: run.json keeps worker A's timing of the early epochs.
        string workB = Path.Combine(folderB, "runs", id.ToString("N"));
        var record = RunFolder.ReadRunJson(workB);
        Assert.Equal(Enumerable.Range(1, Epochs), record.Epochs.Select(e => e.Epoch));
        foreach (var e in record.Epochs)
            Assert.True(Math.Abs(e.Seconds - epochs[e.Epoch - 1].Seconds) <= 1e-9 * Math.Max(1, e.Seconds),
                $"epoch {e.Epoch}: run.json says {e.Seconds} s, the store {epochs[e.Epoch - 1].Seconds} s: it was trained twice\n{lab.Outputs()}");
        Assert.False(Directory.Exists(folderA), "worker B never used worker A's folder");
        Assert.Contains($"Run {id}: training", second.Output);

        // The store holds the finished run and no resume state.
        var stored = (await artifacts.ListAsync(id, CancellationToken.None)).Select(a => a.Name).ToList();
        Assert.DoesNotContain(stored, n => n.StartsWith(RunArtifacts.StatePrefix, StringComparison.Ordinal));
        foreach (string file in new[] { RunFolder.ModelDatFile, RunFolder.SafetensorsFile, RunFolder.RunJsonFile })
            Assert.Contains(file, stored);

        // The checkpoint downloads through serve, which never trained the run, with the bytes worker B wrote.
        byte[] written = await File.ReadAllBytesAsync(Path.Combine(workB, RunFolder.SafetensorsFile));
        using var http = lab.Serve!.CreateHttpClient();
        using var response = await http.GetAsync($"api/runs/{id}/files/safetensors");
        byte[] downloaded = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET files/safetensors: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(downloaded)}");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(written)), Convert.ToHexStringLower(SHA256.HashData(downloaded)));
        Assert.False(Directory.Exists(Path.Combine(serveFolder, "runs", id.ToString("N"))), "serve keeps read copies in its cache only");
    }
}

/// <summary>
/// Needs the real artifact stores (DatabaseArtifactStore, FolderArtifactStore): run after they are merged.
/// </summary>
[Trait("Category", "Slow")]
[Collection(PostgresCollection.Name)]
public sealed class WorkerCrashArtifactTests(PostgresFixture postgres, ITestOutputHelper log)
{
    [Theory]
    [InlineData(ArtifactLocation.Database)]
    [InlineData(ArtifactLocation.Folder)]
    public async Task Worker_killed_after_epoch_one_on_a_machine_of_its_own_is_resumed_by_another_from_the_artifact_store(ArtifactLocation location)
    {
        string cs = await postgres.CreateDatabaseAsync(PostgresFixture.UniqueName("nomount"));
        await using var lab = new LabDeployment(StorageProvider.PostgreSql, cs, artifacts: location);
        await WorkerCrashArtifactScenario.RunAsync(lab, log);
    }
}
