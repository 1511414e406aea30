using System.Globalization;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;

namespace RobustLab.Tests.Api;

/// <summary>Downloads resolve fixed file names in the store's RunDir; results.csv is one invariant-culture row per run.</summary>
public sealed class RunFilesAndCsvTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    static readonly TrainingOptions Augmentation = new()
    {
        Dataset = "fashion-mnist", Method = TrainingMethod.Augmentation, Sigma = 0.25, Copies = 6, Epochs = 5, Seed = 3,
    };

    [Theory]
    [InlineData("safetensors", "model.safetensors", ".safetensors")]
    [InlineData("torchsharp", "model.dat", ".dat")]
    [InlineData("runjson", "run.json", ".json")]
    public async Task Each_file_kind_downloads_its_file_from_the_run_folder_named_after_the_run(string kind, string file, string extension)
    {
        var run = _host.Store.Add(Augmentation, r => FakeRunStore.Succeed(r));
        Directory.CreateDirectory(run.RunDir!);
        byte[] content = [1, 2, 3, (byte)kind.Length];
        File.WriteAllBytes(Path.Combine(run.RunDir!, file), content);

        var response = await _host.Client.GetAsync($"/api/runs/{run.Id}/files/{kind}");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"run-{run.Id}{extension}", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Theory]
    [InlineData("model.dat")]
    [InlineData("SAFETENSORS")]
    [InlineData("state")]
    [InlineData("..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("run.json")]
    public async Task Any_other_file_kind_is_a_404(string kind)
    {
        var run = _host.Store.Add(Augmentation, r => FakeRunStore.Succeed(r));
        Directory.CreateDirectory(run.RunDir!);
        foreach (string f in new[] { "model.dat", "model.safetensors", "run.json", "state", "SAFETENSORS" })
            File.WriteAllText(Path.Combine(run.RunDir!, f), "x");

        var response = await _host.Client.GetAsync($"/api/runs/{run.Id}/files/{kind}");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_file_the_run_has_not_written_yet_is_a_404_problem()
    {
        var run = _host.Store.Add(Augmentation, r => r.Status = Web.Runs.RunStatus.Running);
        Directory.CreateDirectory(run.RunDir!);
        File.WriteAllText(Path.Combine(run.RunDir!, "run.json"), "{}");

        await ApiAssert.ProblemAsync(await _host.Client.GetAsync($"/api/runs/{run.Id}/files/safetensors"), 404);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await _host.Client.GetAsync($"/api/runs/{run.Id}/files/runjson")).StatusCode);
    }

    [Fact]
    public async Task Results_csv_has_a_header_and_one_invariant_culture_row_per_run()
    {
        var metrics = FakeRunStore.SampleMetrics(accuracy: 0.8125);
        var done = _host.Store.Add(Augmentation, r => FakeRunStore.Succeed(r, metrics));
        var queued = _host.Store.Add(Augmentation with { Seed = 4 }, r => r.Error = "said \"no\", twice");

        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE"); // a decimal comma must not leak into the file
        string csv;
        try
        {
            var response = await _host.Client.GetAsync("/api/results.csv");
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            csv = await response.Content.ReadAsStringAsync();
        }
        finally { CultureInfo.CurrentCulture = previous; }

        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        var header = lines[0].Split(',');
        foreach (string column in new[] { "id", "status", "dataset", "model", "method", "sigma", "alpha", "copies", "epochs",
                                          "seed", "device", "testAccuracy", "gnr", "gnrMean", "momentAccuracy", "momentGap" })
            Assert.Contains(column, header);
        var row = lines.Single(l => l.StartsWith(done.Id.ToString(), StringComparison.Ordinal)).Split(',');
        Assert.Equal(header.Length, row.Length);
        string Cell(string column) => row[Array.IndexOf(header, column)];
        Assert.Equal("succeeded", Cell("status"));
        Assert.Equal("augmentation", Cell("method"));
        Assert.Equal("0.25", Cell("sigma"));
        Assert.Equal("6", Cell("copies"));
        Assert.Equal("5", Cell("epochs"));
        Assert.Equal("0.8125", Cell("testAccuracy"));
        Assert.Equal("0.75", Cell("gnr"));
        Assert.Equal("0.7", Cell("gnrMean"));
        var queuedLine = lines.Single(l => l.StartsWith(queued.Id.ToString(), StringComparison.Ordinal));
        Assert.EndsWith(",\"said \"\"no\"\", twice\"", queuedLine); // quoted, quotes doubled
        Assert.Contains(",queued,", queuedLine);
    }

    [Fact]
    public async Task Results_csv_takes_the_run_list_filters()
    {
        var done = _host.Store.Add(Augmentation, r => FakeRunStore.Succeed(r));
        _host.Store.Add(Augmentation with { Seed = 9 });

        string csv = await _host.Client.GetStringAsync("/api/results.csv?status=succeeded");

        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith(done.Id.ToString(), lines[1]);
        await ApiAssert.ValidationErrorsAsync(await _host.Client.GetAsync("/api/results.csv?status=nope"));
    }

    [Fact]
    public async Task Results_csv_has_four_columns_per_attack_filled_only_for_attacked_runs()
    {
        var report = AttackReports.Report(("pgd", 0.002), ("fgsm", double.NaN));
        var attacked = _host.Store.Add(Augmentation, r => FakeRunStore.Succeed(r, AttackReports.WithAttacks(report)));
        var plain = _host.Store.Add(Augmentation with { Seed = 5 }, r => FakeRunStore.Succeed(r));

        var lines = (await _host.Client.GetStringAsync("/api/results.csv")).TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        string[] RowOf(Guid id) => lines.Single(l => l.StartsWith(id.ToString(), StringComparison.Ordinal)).Split(',');
        var row = RowOf(attacked.Id);
        Assert.Equal(header.Length, row.Length);
        string Cell(string column) => row[Array.IndexOf(header, column)];
        Assert.Equal("12", Cell("attackSamples"));
        Assert.Equal("10", Cell("attacked"));
        Assert.Equal("0.9", Cell("pgdSuccessRate"));
        Assert.Equal("0.002", Cell("pgdMedianMse"));
        Assert.Equal("0.02", Cell("pgdMedianL2"));
        Assert.Equal("0.004", Cell("pgdMedianLinf"));
        Assert.Equal("0", Cell("fgsmSuccessRate"));
        Assert.Equal("NaN", Cell("fgsmMedianMse"));      // ran, fooled nothing
        Assert.Equal("", Cell("deepfoolMedianMse"));     // not run
        var plainRow = RowOf(plain.Id);
        Assert.All(header.Select((h, i) => (h, i)).Where(c => c.h.StartsWith("attack") || c.h.Contains("Median")),
            c => Assert.Equal("", plainRow[c.i]));
    }
}
