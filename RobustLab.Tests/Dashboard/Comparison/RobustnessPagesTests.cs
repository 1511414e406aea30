using RobustLab.Tests.Artifacts;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using RobustLab.Tests.Api;
using RobustLab.Tests.Loop;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Web.Comparison;
using RobustLab.Web.Components.Pages;
using RobustLab.Web.Gallery;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;
using CorruptionsPage = RobustLab.Web.Components.Pages.Corruptions;
using static RobustLab.Tests.Dashboard.Comparison.RobustnessReports;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>The Certified and Corruptions pages' empty states and the fair comparison's certified measures, with bUnit over the in-memory store.</summary>
public sealed class RobustnessPagesTests : IAsyncLifetime
{
    readonly TempFolder _folder = new();
    readonly BunitContext _context = BunitWait.NewContext();
    readonly FakeRunStore _store;

    public RobustnessPagesTests()
    {
        _store = new FakeRunStore(_folder.Path);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IRunStore>(_store);
        _context.Services.AddSingleton(MemoryArtifactStore.RunFolders(_folder.Path));
        _context.Services.AddSingleton<RunEvents>();
        _context.Services.AddComparisonServices();
        // No data set on this catalogue: the gallery says how to get it.
        _context.Services.AddSingleton(new CorruptionGallery(new DatasetCatalog(new DataLocations(_folder.Sub("datasets")))));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _folder.Dispose();
    }

    IRenderedComponent<TPage> RenderPage<TPage>(string path) where TPage : IComponent
    {
        _context.Render<MudPopoverProvider>();
        _context.Services.GetRequiredService<NavigationManager>().NavigateTo(path);
        return _context.Render<TPage>();
    }

    [Fact]
    public void Certified_page_without_certifications_explains_the_three_ways_to_certify()
    {
        _store.Add(new TrainingOptions { Dataset = "mnist", Epochs = 1 }, run => FakeRunStore.Succeed(run));

        var page = RenderPage<Certified>("/certified?dataset=mnist");

        page.WaitForAssertion(() =>
        {
            var empty = page.Find("[data-testid=empty-state]").TextContent;
            Assert.Contains("No run of mnist with lenet is certified yet", empty);
            Assert.Contains("robustlab certify --checkpoint DIR --sigma 0.25", empty);
            Assert.Contains("POST /api/runs/{id}/certify", empty);
            Assert.Contains("run's page", empty);
        });
        Assert.Empty(page.FindAll("[data-testid=certified-table]"));
    }

    [Fact]
    public void Corruptions_page_without_reports_explains_how_to_measure_and_the_gallery_names_the_missing_data_set()
    {
        _store.Add(new TrainingOptions { Dataset = "mnist", Epochs = 1 }, run => FakeRunStore.Succeed(run));

        var page = RenderPage<CorruptionsPage>("/corruptions?dataset=mnist");

        page.WaitForAssertion(() =>
        {
            var empty = page.Find("[data-testid=empty-state]").TextContent;
            Assert.Contains("robustlab corrupt --checkpoint DIR", empty);
            Assert.Contains("eval --corruptions", empty);
            Assert.Contains("POST /api/runs/{id}/corruptions", empty);
            Assert.Contains("No gallery for mnist", page.Find("[data-testid=gallery-error]").TextContent);
        });
    }

    [Fact]
    public void Fair_comparison_offers_the_certified_measures_and_ranks_by_the_one_chosen()
    {
        _store.Add(new TrainingOptions { Dataset = "mnist", Epochs = 1 }, run => FakeRunStore.Succeed(run, FakeRunStore.SampleMetrics(0.9)));
        var highGnr = _store.Add(new TrainingOptions { Dataset = "mnist", Method = TrainingMethod.Regularizer, Sigma = 0.25, Alpha = 1, Epochs = 1 }, run =>
            FakeRunStore.Succeed(run, FakeRunStore.SampleMetrics(0.9) with { Gnr = 0.9, Certification = [Certified(0.25, 0.8, 0.5)] }));
        var highAuc = _store.Add(new TrainingOptions { Dataset = "mnist", Method = TrainingMethod.Regularizer, Sigma = 0.25, Alpha = 2, Epochs = 1 }, run =>
            FakeRunStore.Succeed(run, FakeRunStore.SampleMetrics(0.9) with { Gnr = 0.6, Certification = [Certified(0.25, 0.8, 1.0)] }));

        var page = RenderPage<FairComparisonPage>("/compare?dataset=mnist&model=lenet");
        string BestRegularizer() => page.FindAll("[data-testid=best-per-method] tbody tr").Single(r => r.TextContent.Contains("regularizer")).TextContent;
        page.WaitForAssertion(() => Assert.Contains("0.9000", BestRegularizer()));

        var select = page.FindComponents<MudSelect<RobustnessMeasure>>().Single();
        Assert.Equal([RobustnessMeasure.Gnr, RobustnessMeasure.GnrMean, RobustnessMeasure.CertifiedAuc(0.25), RobustnessMeasure.Acr(0.25)],
            RobustnessMeasure.Available([ComparisonRun.From(highGnr)!, ComparisonRun.From(highAuc)!]));
        page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(RobustnessMeasure.CertifiedAuc(0.25)));

        page.WaitForAssertion(() =>
        {
            Assert.Contains("0.4000", BestRegularizer()); // 0.8 * 1.0 / 2: the alpha=2 run
            Assert.Contains("2 of 3 runs were certified", page.Find("[data-testid=measure-note]").TextContent);
            Assert.Empty(page.FindAll("[data-testid=download-csv]")); // the CSV ranks by GNR only
        });
    }
}
