using RobustLab.Training.Certification;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Loop;
using RobustLab.Web.Api;

namespace RobustLab.Tests.Api;

/// <summary>The certification and corruption scalars in results.csv, and the per-image certification CSV download.</summary>
public sealed class CertificationCsvApiTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    static readonly CertifiedImage[] Rows =
        [new(0, 3, 3, 0.4125, true), new(7, 1, -1, 0, false), new(14, 2, 5, 0.1, false), new(21, 9, 9, 1.25, true)];

    static CertificationMetrics Certified(double sigma, CertifiedImage[] rows)
    {
        var s = CertificationSummary.From(rows);
        return new(sigma, 100, 10_000, 0.001, 4, s.Images, 7, s.AtRadii, s.AverageCertifiedRadius, s.CertifiedAuc, s.AbstainRate, 0.75, 30, 2.5);
    }

    [Fact]
    public async Task The_per_image_rows_round_trip_and_results_csv_has_the_scalars_of_the_smallest_sigma()
    {
        var corruptions = new CorruptionReport(50, 4, [1, 5], 0.9, new CalibrationMetrics(0.05, 0.3, []), [], 0.625, 1)
        {
            Errors = new CorruptionErrors("base", 0.9, 0.8, []),
        };
        var metrics = FakeRunStore.SampleMetrics() with { Certification = [Certified(0.25, Rows), Certified(0.5, Rows[..2])], Corruptions = corruptions };
        var run = _host.Store.Add(new TrainingOptions { Dataset = "mnist", Method = TrainingMethod.Augmentation, Sigma = 0.25, Copies = 1 },
            r => FakeRunStore.Succeed(r, metrics));
        Directory.CreateDirectory(run.RunDir!);
        CertificationCsv.WriteFile(Path.Combine(run.RunDir!, CertificationCsv.FileName(0.25)), Rows);
        CertificationCsv.WriteFile(Path.Combine(run.RunDir!, CertificationCsv.FileName(0.5)), Rows[..2]);

        foreach (var (url, expected) in new[]
                 {
                     ($"/api/runs/{run.Id}/certification.csv?sigma=0.25", Rows), ($"/api/runs/{run.Id}/certification.csv?sigma=0.5", Rows[..2]),
                     ($"/api/runs/{run.Id}/certification.csv", Rows), // the smallest sigma
                 })
        {
            var response = await _host.Client.GetAsync(url);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(expected, CertificationCsv.Read(new StringReader(await response.Content.ReadAsStringAsync())));
        }
        await ApiAssert.ProblemAsync(await _host.Client.GetAsync($"/api/runs/{run.Id}/certification.csv?sigma=0.75"), 404);
        Assert.Equal(["sigma"], (await ApiAssert.ValidationErrorsAsync(await _host.Client.GetAsync($"/api/runs/{run.Id}/certification.csv?sigma=x"))).Keys);
        await ApiAssert.ProblemAsync(await _host.Client.GetAsync($"/api/runs/{Guid.NewGuid()}/certification.csv"), 404);

        var plain = _host.Store.Add(new TrainingOptions { Dataset = "mnist" }, r => FakeRunStore.Succeed(r));
        await ApiAssert.ProblemAsync(await _host.Client.GetAsync($"/api/runs/{plain.Id}/certification.csv"), 404);

        // results.csv: one set of certification columns (the smallest sigma), the corruption scalars, empty cells without them.
        string csv = await _host.Client.GetStringAsync("/api/results.csv");
        var lines = csv.TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        Assert.Equal(ResultsCsvApi.Columns, header);
        string[] Cells(Guid id) => lines.Single(l => l.StartsWith(id.ToString(), StringComparison.Ordinal)).Split(',');
        string Cell(Guid id, string column) => Cells(id)[Array.IndexOf(header, column)];
        var s = CertificationSummary.From(Rows);
        Assert.Equal("0.25", Cell(run.Id, "certifySigma"));
        Assert.Equal(s.CertifiedAuc, double.Parse(Cell(run.Id, "certifiedAuc"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(s.AverageCertifiedRadius, double.Parse(Cell(run.Id, "acr"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.5", Cell(run.Id, "certifiedAccuracyAt0")); // 2 of 4 correct with radius >= 0
        Assert.Equal("0.25", Cell(run.Id, "certifiedAccuracyAt1")); // only the 1.25 one
        Assert.Equal("0.25", Cell(run.Id, "abstainRate"));
        Assert.Equal("0.75", Cell(run.Id, "majorityVote"));
        Assert.Equal(("0.625", "0.8", "0.05", "0.3"),
            (Cell(run.Id, "meanCorruptionAccuracy"), Cell(run.Id, "relativeMce"), Cell(run.Id, "cleanEce"), Cell(run.Id, "cleanNll")));
        foreach (string column in ResultsCsvApi.CertificationColumns.Concat(ResultsCsvApi.CorruptionColumns))
            Assert.Equal("", Cell(plain.Id, column));
    }
}
