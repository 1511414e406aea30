using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using RobustLab.Tests.Api;
using RobustLab.Tests.Loop;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Web.Components.Pages;
using RobustLab.Web.Components.RunForm;
using RobustLab.Web.Comparison;
using RobustLab.Web.Jobs;
using RobustLab.Web.Reproduction;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.Reproduction;

/// <summary>The Reproduce page over the in-memory run store and a recording queue (Plotly's JS is not run).</summary>
public sealed class ReproducePageTests : IAsyncLifetime
{
    readonly TempFolder _folder = new();
    readonly BunitContext _context = BunitWait.NewContext();
    readonly FakeRunStore _store;
    readonly RecordingRunQueue _queue;

    public ReproducePageTests()
    {
        _store = new FakeRunStore(_folder.Path);
        _queue = new RecordingRunQueue(_store);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IRunStore>(_store);
        _context.Services.AddSingleton<IRunQueue>(_queue);
        _context.Services.AddSingleton<SweepSubmitter>();
        _context.Services.AddSingleton<RunEvents>();
        _context.Services.AddSingleton(new DatasetCatalog(new DataLocations(Path.Combine(_folder.Path, "data"))));
        _context.Services.AddSingleton(Options.Create(new RunExecutionOptions()));
        _context.Services.AddRunFormServices();
        _context.Services.AddComparisonServices();
        _context.Services.AddReproductionServices();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _folder.Dispose();
    }

    IRenderedComponent<Reproduce> Render(Guid? sweep = null)
    {
        _context.Render<MudPopoverProvider>();
        return _context.Render<Reproduce>(p => p.Add(x => x.SweepId, sweep));
    }

    [Fact]
    public void Queue_reproduction_submits_the_proposed_grid_as_one_sweep_and_opens_its_page()
    {
        var page = Render();
        page.Find("[data-testid=preset-smoke]").Click();
        page.WaitForAssertion(() => Assert.Contains("5 runs: baseline 1, augmentation 2, regularizer 2", page.Find("[data-testid=grid-runs]").TextContent));

        page.Find("[data-testid=queue]").Click();

        page.WaitForAssertion(() => Assert.Single(_store.Sweeps));
        var sweep = _store.Sweeps.Single();
        Assert.Equal(5, _queue.Enqueued.Count);
        Assert.EndsWith($"/reproduce/{sweep.Id}", _context.Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void A_finished_sweep_shows_its_status_downloads_and_tables()
    {
        var submitted = ReproductionPlanner.Propose("fashion-mnist", "lenet", ReproductionBudget.Smoke);
        var sweep = _store.CreateSweepAsync(new SweepEntity { Dataset = "fashion-mnist", Model = "lenet" }).Result;
        foreach (var options in submitted.Runs)
            _store.Add(options, run =>
            {
                FakeRunStore.Succeed(run, FakeRunStore.SampleMetrics(0.8 + 0.01 * run.Sigma));
                run.EpochReports = [new EpochEntity { RunId = run.Id, Epoch = 1, Seconds = 3, ImagesPerSecond = 300, RecordedAt = DateTimeOffset.UtcNow }];
            }, sweep.Id);

        var page = Render(sweep.Id);

        page.WaitForAssertion(() => Assert.Contains("5 runs: 5 succeeded", page.Find("[data-testid=sweep-status]").TextContent));
        Assert.Equal($"/api/sweeps/{sweep.Id}/report", page.Find("[data-testid=download-report]").GetAttribute("href"));
        Assert.Equal(ReproductionReport.FileName(sweep.Id, "html"), page.Find("[data-testid=download-report]").GetAttribute("download"));
        Assert.Equal(5, page.FindAll("[data-testid=table-settings] tbody tr").Count);
        Assert.Equal(5, page.FindAll("[data-testid=table-runs] tbody tr").Count);
        Assert.NotEmpty(page.FindAll($"[data-chart={ReproductionFigures.AccuracyId}]"));
        Assert.NotEmpty(page.FindAll($"[data-chart=sweep-{sweep.Id}-parallel-coordinates]"));
    }

    [Fact]
    public void An_unknown_sweep_says_so()
    {
        var page = Render(Guid.NewGuid());
        page.WaitForAssertion(() => Assert.Contains("There is no sweep", page.Find("[data-testid=missing]").TextContent));
    }
}
