using System.Text;
using RobustLab.Tests.Api;
using RobustLab.Tests.Loop;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Loop;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Artifacts;

/// <summary>
/// <see cref="RunArtifacts"/> over an in-memory store that keeps the store contract: pulls make the work folder equal to
/// the store, state pushes store the epoch files before the state.json that points to them and drop earlier epochs, read
/// copies are fetched only when missing or different, and a corrupt artifact leaves nothing on disk.
/// </summary>
public sealed class RunArtifactsTests : IDisposable
{
    readonly TempFolder _folder = new();
    readonly MemoryArtifactStore _store = new();
    readonly RunArtifacts _artifacts;
    readonly RunEntity _run;

    public RunArtifactsTests()
    {
        _artifacts = _store.Artifacts(_folder.Sub("worker"));
        // RunDir names the submitting server's folder, which is not on this machine.
        var runs = new FakeRunStore(_folder.Sub("server"));
        _run = runs.Add(new TrainingOptions { Dataset = "fashion-mnist", Epochs = 3 });
    }

    public void Dispose() => _folder.Dispose();

    string WorkDir => _artifacts.WorkDir(_run)!;
    string StateDir => Path.Combine(WorkDir, RunPipeline.StateFolder);
    static string State(string file) => RunArtifacts.StatePrefix + file;

    /// <summary>What the trainer leaves in state/ after <paramref name="epoch"/> (its file names, distinct bytes).</summary>
    void WriteLocalState(int epoch, int bestEpoch)
    {
        Directory.CreateDirectory(StateDir);
        foreach (var file in Directory.GetFiles(StateDir)) File.Delete(file);
        File.WriteAllText(ResumeState.ModelFile(StateDir, epoch), $"model {epoch}");
        File.WriteAllText(ResumeState.OptimizerFile(StateDir, epoch), $"optimizer {epoch}");
        File.WriteAllText(ResumeState.BestFile(StateDir, bestEpoch), $"best {bestEpoch}");
        File.WriteAllText(Path.Combine(StateDir, ResumeState.FileName), $"{{\"epoch\":{epoch}}}");
    }

    [Fact]
    public void Work_folder_is_under_this_machines_data_folder_not_the_servers_run_folder()
    {
        Assert.Equal(Path.Combine(_folder.Sub("worker"), "runs", _run.Id.ToString("N")), WorkDir);
        Assert.NotEqual(_run.RunDir, WorkDir);
        Assert.True(_artifacts.InStore);
    }

    [Fact]
    public async Task State_push_stores_the_epoch_files_before_state_json_and_replaces_the_earlier_epochs_state()
    {
        WriteLocalState(epoch: 1, bestEpoch: 1);
        await _artifacts.PushStateAsync(_run, CancellationToken.None);
        WriteLocalState(epoch: 2, bestEpoch: 1);
        _store.Puts.Clear();
        await _artifacts.PushStateAsync(_run, CancellationToken.None);

        // Only the state of epoch 2 is stored: epoch 1's model and optimizer were deleted, the unchanged best kept.
        Assert.Equal(new[] { "best-0001.model.dat", "epoch-0002.model.dat", "epoch-0002.optimizer.dat", "state.json" }.Select(State),
            _store.Names(_run.Id));
        Assert.Contains((_run.Id, State("epoch-0001.model.dat")), _store.Deletes);
        // Uploaded this time: the new epoch files, then state.json last; the unchanged best file not again.
        var puts = _store.Puts.Select(p => p.Name).ToList();
        Assert.Equal(new[] { "epoch-0002.model.dat", "epoch-0002.optimizer.dat", "state.json" }.Select(State), puts);
        Assert.Equal("{\"epoch\":2}", Encoding.UTF8.GetString(_store.Bytes(_run.Id, State(ResumeState.FileName))));
    }

    [Fact]
    public async Task State_push_without_a_local_state_folder_deletes_the_stored_state_of_a_finished_run()
    {
        WriteLocalState(epoch: 3, bestEpoch: 2);
        await _artifacts.PushStateAsync(_run, CancellationToken.None);
        File.WriteAllText(Path.Combine(WorkDir, RunFolder.ModelDatFile), "weights");
        Directory.Delete(StateDir, recursive: true); // what RunPipeline does when the run is complete

        await _artifacts.PushAsync(_run, [RunFolder.ModelDatFile], CancellationToken.None);
        await _artifacts.PushStateAsync(_run, CancellationToken.None);

        Assert.Equal([RunFolder.ModelDatFile], _store.Names(_run.Id));
    }

    [Fact]
    public async Task Pull_makes_the_work_folder_equal_to_the_store_the_store_being_the_truth()
    {
        // The store holds epoch 2 (pushed by another worker); this machine has a stale epoch 3 state and a stray file.
        WriteLocalState(epoch: 2, bestEpoch: 2);
        File.WriteAllText(Path.Combine(WorkDir, RunFolder.RunJsonFile), "{\"epochs\":2}");
        await _artifacts.PushStateAsync(_run, CancellationToken.None);
        await _artifacts.PushAsync(_run, [RunFolder.RunJsonFile], CancellationToken.None);
        var stored = _store.Names(_run.Id).ToDictionary(n => n, n => _store.Bytes(_run.Id, n));
        WriteLocalState(epoch: 3, bestEpoch: 3);
        File.WriteAllText(Path.Combine(WorkDir, RunFolder.RunJsonFile), "{\"epochs\":3}");
        File.WriteAllText(Path.Combine(WorkDir, "stray.txt"), "not stored");

        var pulled = await _artifacts.PullAsync(_run, CancellationToken.None);

        Assert.Equal(stored.Keys, pulled.Select(a => a.Name));
        var local = Directory.GetFiles(WorkDir, "*", SearchOption.AllDirectories).Select(f => ArtifactNames.FromLocalPath(WorkDir, f))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(stored.Keys, local);
        foreach (var (name, bytes) in stored) Assert.Equal(bytes, File.ReadAllBytes(ArtifactNames.LocalPath(WorkDir, name)));
    }

    [Fact]
    public async Task Pull_of_a_finished_run_leaves_no_state_folder_so_the_finished_folder_is_adopted()
    {
        await _store.PutAsync(_run.Id, RunFolder.ModelDatFile, [1, 2, 3]);
        await _store.PutAsync(_run.Id, RunFolder.RunJsonFile, "{}"u8.ToArray());
        WriteLocalState(epoch: 1, bestEpoch: 1); // a crashed attempt on this machine

        await _artifacts.PullAsync(_run, CancellationToken.None);

        Assert.False(Directory.Exists(StateDir));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(Path.Combine(WorkDir, RunFolder.ModelDatFile)));
    }

    [Fact]
    public async Task A_local_copy_is_fetched_only_when_missing_or_different_from_the_stored_one()
    {
        await _store.PutAsync(_run.Id, RunFolder.SafetensorsFile, [9, 8, 7, 6]);

        string? path = await _artifacts.EnsureLocalFileAsync(_run, RunFolder.SafetensorsFile, CancellationToken.None);
        Assert.NotNull(path);
        Assert.Equal(new byte[] { 9, 8, 7, 6 }, File.ReadAllBytes(path));
        Assert.False(Directory.Exists(WorkDir)); // read copies stay out of the folder a worker works in
        Assert.Null(await _artifacts.EnsureLocalFileAsync(_run, RunFolder.ModelDatFile, CancellationToken.None));

        await _artifacts.EnsureLocalFileAsync(_run, RunFolder.SafetensorsFile, CancellationToken.None);
        Assert.Single(_store.Reads); // the same bytes: not read again

        File.WriteAllBytes(path, [9, 8, 7, 5]); // same length, other bytes
        await _artifacts.EnsureLocalFileAsync(_run, RunFolder.SafetensorsFile, CancellationToken.None);
        Assert.Equal(2, _store.Reads.Count);
        Assert.Equal(new byte[] { 9, 8, 7, 6 }, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task A_corrupt_artifact_throws_naming_the_run_and_the_artifact_and_nothing_is_kept()
    {
        await _store.PutAsync(_run.Id, RunFolder.SafetensorsFile, [1, 2, 3, 4, 5]);
        _store.Corrupt(_run.Id, RunFolder.SafetensorsFile, at: 2);

        var e = await Assert.ThrowsAsync<ArtifactCorruptException>(() =>
            _artifacts.EnsureLocalFileAsync(_run, RunFolder.SafetensorsFile, CancellationToken.None));
        Assert.Contains(_run.Id.ToString(), e.Message);
        Assert.Contains(RunFolder.SafetensorsFile, e.Message);
        string readDir = _artifacts.ReadDir(_run)!;
        Assert.Empty(Directory.Exists(readDir) ? Directory.GetFiles(readDir, "*", SearchOption.AllDirectories) : []);

        // A pull refuses it the same way: no corrupt weights in a work folder either.
        await Assert.ThrowsAsync<ArtifactCorruptException>(() => _artifacts.PullAsync(_run, CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(WorkDir, RunFolder.SafetensorsFile)));
        Assert.Empty(Directory.GetFiles(WorkDir, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Push_uploads_only_what_changed()
    {
        Directory.CreateDirectory(WorkDir);
        File.WriteAllText(Path.Combine(WorkDir, RunFolder.RunJsonFile), "{\"a\":1}");
        File.WriteAllText(Path.Combine(WorkDir, "certify-0.25.csv"), "rows");

        await _artifacts.PushChangedAsync(_run, CancellationToken.None);
        await _artifacts.PushChangedAsync(_run, CancellationToken.None);
        File.WriteAllText(Path.Combine(WorkDir, RunFolder.RunJsonFile), "{\"a\":2}");
        await _artifacts.PushChangedAsync(_run, CancellationToken.None);

        Assert.Equal(new[] { "certify-0.25.csv", RunFolder.RunJsonFile, RunFolder.RunJsonFile }, _store.Puts.Select(p => p.Name));
    }

    [Fact]
    public async Task A_log_line_from_outside_a_job_lands_in_the_stored_log()
    {
        await _store.PutAsync(_run.Id, RunLog.FileName, "2026-01-01 00:00:00Z status succeeded\n"u8.ToArray());

        await _artifacts.AppendLogAsync(_run, "certify job 7 queued", CancellationToken.None);

        var lines = Encoding.UTF8.GetString(_store.Bytes(_run.Id, RunLog.FileName)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("certify job 7 queued", lines[1]);
    }

    [Fact]
    public async Task Deleting_a_run_deletes_its_artifacts_and_this_machines_copies()
    {
        await _store.PutAsync(_run.Id, RunFolder.ModelDatFile, [1]);
        var other = Guid.NewGuid();
        await _store.PutAsync(other, RunFolder.ModelDatFile, [2]);
        await _artifacts.PullAsync(_run, CancellationToken.None);
        await _artifacts.EnsureLocalFileAsync(_run, RunFolder.ModelDatFile, CancellationToken.None);

        await _artifacts.DeleteRunAsync(_run, CancellationToken.None);

        Assert.Empty(_store.Names(_run.Id));
        Assert.Single(_store.Names(other));
        Assert.False(Directory.Exists(WorkDir));
        Assert.False(Directory.Exists(_artifacts.ReadDir(_run)));
    }

    [Fact]
    public async Task Without_a_store_the_run_folder_is_the_only_copy_and_nothing_is_copied()
    {
        var folders = MemoryArtifactStore.RunFolders(_folder.Sub("server"));
        Assert.False(folders.InStore);
        Assert.Equal(_run.RunDir, folders.WorkDir(_run));
        Assert.Empty(await folders.PullAsync(_run, CancellationToken.None));
        Assert.Null(await folders.EnsureLocalFileAsync(_run, RunFolder.ModelDatFile, CancellationToken.None));

        Directory.CreateDirectory(_run.RunDir!);
        File.WriteAllText(Path.Combine(_run.RunDir!, RunFolder.ModelDatFile), "w");
        Assert.Equal(Path.Combine(_run.RunDir!, RunFolder.ModelDatFile),
            await folders.EnsureLocalFileAsync(_run, RunFolder.ModelDatFile, CancellationToken.None));
        await folders.PushChangedAsync(_run, CancellationToken.None);
        Assert.Empty(_store.Puts);
    }
}
