using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RobustLab.Tests.Loop;
using RobustLab.Training.Loop;
using RobustLab.Web.Api;
using RobustLab.Web.Reproduction;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>The report downloads of GET /api/sweeps/{id}/report, report.csv and report.tex over the in-memory store.</summary>
public sealed class SweepReportApiTests : IAsyncLifetime
{
    readonly TempFolder _folder = new();
    FakeRunStore _store = null!;
    WebApplication _app = null!;
    HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _store = new FakeRunStore(_folder.Path);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<IRunStore>(_store);
        builder.Services.AddSingleton(RobustLab.Tests.Artifacts.MemoryArtifactStore.RunFolders(_folder.Path));
        builder.Services.AddSingleton<IRunQueue>(new RecordingRunQueue(_store));
        builder.Services.AddSingleton<SweepSubmitter>();
        builder.Services.AddRunsApi();
        builder.Services.AddReproductionServices();
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapSweepReportApi();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    async Task<Guid> FinishedSweepAsync()
    {
        var proposal = ReproductionPlanner.Propose("fashion-mnist", "lenet", ReproductionBudget.Smoke);
        var sweep = await _store.CreateSweepAsync(new SweepEntity { Dataset = "fashion-mnist", Model = "lenet" });
        foreach (var options in proposal.Runs)
            _store.Add(options, run => FakeRunStore.Succeed(run, FakeRunStore.SampleMetrics(0.7 + 0.1 * run.Sigma)), sweep.Id);
        return sweep.Id;
    }

    [Fact]
    public async Task Report_is_an_html_download_with_every_run_id()
    {
        var id = await FinishedSweepAsync();
        using var response = await _client.GetAsync($"/api/sweeps/{id}/report");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ReproductionReport.FileName(id, "html"), response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        string html = await response.Content.ReadAsStringAsync();
        foreach (var run in _store.Runs) Assert.Contains(run.Id.ToString(), html);
    }

    [Fact]
    public async Task Csv_gives_the_named_table_and_tex_every_tabular()
    {
        var id = await FinishedSweepAsync();
        string csv = await _client.GetStringAsync($"/api/sweeps/{id}/report.csv?table=runs");
        Assert.StartsWith("run,status,reused,method,", csv);
        Assert.Equal(1 + 5, csv.TrimEnd('\n').Split('\n').Length);
        string settings = await _client.GetStringAsync($"/api/sweeps/{id}/report.csv");
        Assert.StartsWith("setting,method,sigma,", settings);
        string tex = await _client.GetStringAsync($"/api/sweeps/{id}/report.tex");
        Assert.Contains("\\label{tab:settings}", tex);
        Assert.Contains("\\label{tab:runs}", tex);
    }

    [Fact]
    public async Task Unknown_sweep_is_404_and_unknown_table_is_400_naming_table()
    {
        using var missing = await _client.GetAsync($"/api/sweeps/{Guid.NewGuid()}/report");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var notAnId = await _client.GetAsync("/api/sweeps/nope/report.tex");
        Assert.Equal(HttpStatusCode.NotFound, notAnId.StatusCode);

        var id = await FinishedSweepAsync();
        using var bad = await _client.GetAsync($"/api/sweeps/{id}/report.csv?table=everything");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("table", out _), problem.ToString());
    }
}
