using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using RobustLab.Tests.Artifacts;
using RobustLab.Training.Certification;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Loop;

namespace RobustLab.Tests.Api;

/// <summary>
/// With an artifact store, downloads come from the store on a server that never had the run's folder: the run's RunDir
/// (the submitting machine's path) does not exist here, and the files are copied through the server's read cache. A
/// corrupt artifact is a problem response naming the run and the artifact, with none of its bytes.
/// </summary>
public sealed class RunFilesFromStoreTests : IAsyncLifetime
{
    readonly MemoryArtifactStore _store = new();
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(_store); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    static readonly TrainingOptions Options = new() { Dataset = "fashion-mnist", Method = TrainingMethod.Baseline, Epochs = 2 };

    /// <summary>A succeeded run whose folder is not on the server.</summary>
    Web.Runs.RunEntity RemoteRun(Action<Web.Runs.RunEntity>? change = null)
    {
        var run = _host.Store.Add(Options, r => { FakeRunStore.Succeed(r); change?.Invoke(r); });
        Assert.False(Directory.Exists(run.RunDir));
        return run;
    }

    [Theory]
    [InlineData("safetensors", "model.safetensors")]
    [InlineData("torchsharp", "model.dat")]
    [InlineData("runjson", "run.json")]
    public async Task Each_file_kind_downloads_from_the_store_when_the_run_folder_is_not_on_the_server(string kind, string file)
    {
        var run = RemoteRun();
        byte[] content = RandomNumberGenerator.GetBytes(100_000);
        await _store.PutAsync(run.Id, file, content);

        var response = await _host.Client.GetAsync($"/api/runs/{run.Id}/files/{kind}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await response.Content.ReadAsByteArrayAsync()));
        Assert.False(Directory.Exists(run.RunDir), "the download does not create the submitting machine's run folder");
    }

    [Fact]
    public async Task A_file_the_store_does_not_hold_is_a_404_problem()
    {
        var run = RemoteRun();
        await ApiAssert.ProblemAsync(await _host.Client.GetAsync($"/api/runs/{run.Id}/files/safetensors"), 404);
    }

    [Fact]
    public async Task A_corrupt_checkpoint_is_a_problem_naming_the_run_and_the_artifact_and_no_byte_is_served()
    {
        var run = RemoteRun();
        byte[] content = RandomNumberGenerator.GetBytes(4096);
        await _store.PutAsync(run.Id, RunFolder.SafetensorsFile, content);
        _store.Corrupt(run.Id, RunFolder.SafetensorsFile, at: 1000);

        var response = await _host.Client.GetAsync($"/api/runs/{run.Id}/files/safetensors");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        string body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        string detail = json.RootElement.GetProperty("detail").GetString()!;
        Assert.Contains(run.Id.ToString(), detail);
        Assert.Contains(RunFolder.SafetensorsFile, detail);
        Assert.True(body.Length < 1000, "only the problem came back");
        // Nothing of it stays in the server's cache either: the next request checks again and refuses again.
        Assert.Empty(Directory.GetFiles(_host.Artifacts.ReadDir(run)!, "*", SearchOption.AllDirectories));
        Assert.Equal(HttpStatusCode.InternalServerError, (await _host.Client.GetAsync($"/api/runs/{run.Id}/files/safetensors")).StatusCode);
    }

    [Fact]
    public async Task The_certification_csv_downloads_from_the_store()
    {
        CertifiedImage[] rows = [new(0, 3, 3, 0.4125, true), new(7, 1, -1, 0, false)];
        var summary = CertificationSummary.From(rows);
        var certified = new CertificationMetrics(0.25, 100, 10_000, 0.001, 2, summary.Images, 7, summary.AtRadii,
            summary.AverageCertifiedRadius, summary.CertifiedAuc, summary.AbstainRate, 0.75, 30, 2.5);
        var run = RemoteRun();
        var metrics = FakeRunStore.SampleMetrics() with { Certification = [certified] };
        run.MetricsJson = JsonSerializer.Serialize(metrics, RunJson.Options);
        string local = Path.Combine(Path.GetTempPath(), "robustlab-" + Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            CertificationCsv.WriteFile(local, rows);
            await using (var file = File.OpenRead(local)) await _store.PutAsync(run.Id, CertificationCsv.FileName(0.25), file, CancellationToken.None);

            var response = await _host.Client.GetAsync($"/api/runs/{run.Id}/certification.csv?sigma=0.25");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(await File.ReadAllBytesAsync(local), await response.Content.ReadAsByteArrayAsync());
        }
        finally { File.Delete(local); }
    }

    [Fact]
    public async Task Deleting_a_run_deletes_its_stored_artifacts()
    {
        var run = RemoteRun(r => r.Status = Web.Runs.RunStatus.Failed);
        await _store.PutAsync(run.Id, RunFolder.RunJsonFile, "{}"u8.ToArray());
        await _store.PutAsync(run.Id, Web.Artifacts.RunArtifacts.StatePrefix + "state.json", "{}"u8.ToArray());

        var response = await _host.Client.DeleteAsync($"/api/runs/{run.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(_store.Names(run.Id));
    }
}
