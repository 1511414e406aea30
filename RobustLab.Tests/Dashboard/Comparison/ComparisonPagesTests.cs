using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using RobustLab.Tests.Api;
using RobustLab.Tests.Training;
using RobustLab.Training.Training;
using RobustLab.Web.Components.Comparison;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;
using AttacksPage = RobustLab.Web.Components.Pages.Attacks;
using FairComparisonPage = RobustLab.Web.Components.Pages.FairComparison;
using TradeOffPage = RobustLab.Web.Components.Pages.TradeOff;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>The comparison pages' empty states, rendered with bUnit over the in-memory run store (Plotly's JS is not run).</summary>
public sealed class ComparisonPagesTests : IAsyncLifetime
{
    readonly TempFolder _folder = new();
    readonly BunitContext _context = new();
    readonly FakeRunStore _store;

    public ComparisonPagesTests()
    {
        _store = new FakeRunStore(_folder.Path);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IRunStore>(_store);
        _context.Services.AddSingleton<RunEvents>();
        _context.Services.AddComparisonServices();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are IAsyncDisposable only.
    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>The page inside the popover provider that MudSelect needs, as in MainLayout.</summary>
    IRenderedComponent<TPage> RenderPage<TPage>(Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null) where TPage : IComponent
    {
        _context.Render<MudPopoverProvider>();
        return _context.Render(parameters ?? (_ => { }));
    }

    [Fact]
    public void Attacks_page_says_the_attack_suite_does_not_exist_yet_and_which_attacks_are_planned()
    {
        var page = RenderPage<AttacksPage>();

        var missing = page.Find("[data-testid=attacks-missing]").TextContent;
        Assert.Contains("attack suite does not exist yet", missing);
        Assert.Contains("robustlab eval", missing);
        var planned = page.Find("[data-testid=planned-attacks]").TextContent;
        foreach (string attack in new[] { "FGSM", "PGD", "L-BFGS", "DeepFool-L2" })
            Assert.Contains(attack, planned);
        Assert.Contains("ratio", page.Markup);
        Assert.Empty(page.FindAll("table.mud-table")); // no empty grid
        Assert.Contains(page.FindAll("a"), a => a.GetAttribute("href") == "/new");
    }

    [Fact]
    public void Fair_comparison_without_any_run_says_to_run_a_baseline_first_with_a_link_to_the_form()
    {
        var page = RenderPage<FairComparisonPage>();

        page.WaitForAssertion(() =>
        {
            var empty = page.Find("[data-testid=no-baseline]");
            Assert.Contains("Run a baseline first", empty.TextContent);
            Assert.Contains("method baseline (sigma 0", empty.TextContent);
            var link = page.Find("[data-testid=new-baseline]");
            Assert.StartsWith("/new?", link.GetAttribute("href"));
            Assert.Contains("method=baseline", link.GetAttribute("href"));
        });
        Assert.Empty(page.FindAll("[data-testid=download-csv]"));
    }

    [Fact]
    public void Fair_comparison_with_runs_but_no_baseline_still_says_to_run_one_first()
    {
        _store.Add(new TrainingOptions { Dataset = "cifar10", Method = TrainingMethod.Regularizer, Sigma = 0.25, Alpha = 1, Epochs = 1 },
            run => FakeRunStore.Succeed(run));

        var page = RenderPage<FairComparisonPage>();

        page.WaitForAssertion(() =>
        {
            Assert.Contains("Run a baseline first", page.Find("[data-testid=no-baseline]").TextContent);
            Assert.Contains("dataset=cifar10", page.Find("[data-testid=new-baseline]").GetAttribute("href"));
        });
    }

    [Fact]
    public void Fair_comparison_with_a_baseline_shows_the_table_the_folds_and_the_csv_link_with_the_same_parameters()
    {
        _store.Add(new TrainingOptions { Dataset = "cifar10", Method = TrainingMethod.Baseline, Epochs = 1 },
            run => FakeRunStore.Succeed(run, FakeRunStore.SampleMetrics(0.9)));
        _store.Add(new TrainingOptions { Dataset = "cifar10", Method = TrainingMethod.Regularizer, Sigma = 0.25, Alpha = 1, Epochs = 1 },
            run => FakeRunStore.Succeed(run, FakeRunStore.SampleMetrics(0.9)));

        var page = RenderPage<FairComparisonPage>();

        page.WaitForAssertion(() =>
        {
            Assert.Contains("90.00%", page.Find("[data-testid=baseline-line]").TextContent);
            Assert.Equal("/api/comparison.csv?dataset=cifar10&model=lenet&tolerance=0.39&gnr=trapezoid",
                page.Find("[data-testid=download-csv]").GetAttribute("href"));
            Assert.Contains("regularizer", page.Find("[data-testid=best-per-method]").TextContent);
            Assert.Contains("augmentation sweep", page.Find("[data-testid=folds]").TextContent);
        });
    }

    [Fact]
    public void Trade_off_without_runs_says_what_to_queue_with_a_link_to_the_form()
    {
        var page = RenderPage<TradeOffPage>();

        page.WaitForAssertion(() =>
        {
            var empty = page.Find("[data-testid=empty-state]");
            Assert.Contains("Queue a baseline and a regularizer sweep for this data set", empty.TextContent);
            Assert.Contains(page.FindAll("[data-testid=empty-state] a"), a => a.GetAttribute("href")!.StartsWith("/new"));
        });
    }
}
