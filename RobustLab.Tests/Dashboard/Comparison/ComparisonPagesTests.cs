using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Plotly.Blazor;
using RobustLab.Web.Components.Charts;
using RobustLab.Tests.Api;
using RobustLab.Tests.Loop;
using RobustLab.Training.Loop;
using RobustLab.Web.Comparison;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;
using AttacksPage = RobustLab.Web.Components.Pages.Attacks;
using RobustLab.Web.Components.Pages;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>The comparison pages' empty states, rendered with bUnit over the in-memory run store (Plotly's JS is not run).</summary>
public sealed class ComparisonPagesTests : IAsyncLifetime
{
    readonly TempFolder _folder = new();
    readonly BunitContext _context = BunitWait.NewContext();
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
    public void Attacks_page_without_attack_metrics_explains_how_to_get_them_with_a_button_to_the_form()
    {
        _store.Add(new TrainingOptions { Dataset = "cifar10", Epochs = 1 }, run => FakeRunStore.Succeed(run)); // no attacks

        var page = RenderAttacks("dataset=cifar10");

        page.WaitForAssertion(() =>
        {
            var empty = page.Find("[data-testid=empty-state]").TextContent;
            Assert.Contains("No run of cifar10 with lenet has attack metrics yet", empty);
            Assert.Contains("Attacks after training", empty);
            Assert.Contains("robustlab eval --checkpoint DIR --attacks all --samples 100", empty);
            Assert.Contains("Attack this run", empty); // a run that succeeded can be attacked without training it again
            Assert.StartsWith("/new", page.Find("[data-testid=new-run]").GetAttribute("href"));
        });
        Assert.Empty(page.FindAll("[data-testid=attack-table]"));
        Assert.Empty(page.FindAll("[data-testid=attacks-missing]"));
    }

    [Fact]
    public void Attacks_page_shows_each_runs_median_and_its_ratio_to_the_most_recent_baseline()
    {
        var older = _store.Add(new TrainingOptions { Dataset = "mnist", Epochs = 1, Seed = 1 }, run =>
        {
            FakeRunStore.Succeed(run, AttackReports.WithAttacks(AttackReports.Report(("fgsm", 0.004))));
            run.FinishedAt = DateTimeOffset.UtcNow.AddHours(-2);
            run.EpochReports = [new EpochEntity { RunId = run.Id, Epoch = 1, Seconds = 5 }];
        });
        var baseline = _store.Add(new TrainingOptions { Dataset = "mnist", Epochs = 1 }, run =>
        {
            FakeRunStore.Succeed(run, AttackReports.WithAttacks(AttackReports.Report(("pgd", 0.0005), ("fgsm", 0.001))));
            run.EpochReports = [new EpochEntity { RunId = run.Id, Epoch = 1, Seconds = 4 }];
        });
        var reg = _store.Add(new TrainingOptions { Dataset = "mnist", Method = TrainingMethod.Regularizer, Sigma = 0.25, Alpha = 2, Epochs = 1 }, run =>
            FakeRunStore.Succeed(run, AttackReports.WithAttacks(AttackReports.Report(("fgsm", 0.02), ("pgd", double.NaN)), accuracy: 0.9)));
        _store.Add(new TrainingOptions { Dataset = "mnist", Method = TrainingMethod.Augmentation, Sigma = 0.25, Copies = 6, Epochs = 1 },
            run => FakeRunStore.Succeed(run)); // no attacks: no row

        // No query: the page opens on the data set and model with attacked runs.
        var page = RenderAttacks();

        page.WaitForAssertion(() => Assert.Contains(RunFormatShort(baseline.Id), page.Find("[data-testid=baseline-line]").TextContent));
        Assert.Contains("the most recent of 2 baseline runs", page.Find("[data-testid=baseline-line]").TextContent);
        var table = page.Find("[data-testid=attack-table]");
        Assert.Equal(3, table.QuerySelectorAll("tbody tr").Length);
        var headers = table.QuerySelectorAll("thead th").Select(h => h.TextContent.Trim()).ToList();
        Assert.Equal(["Method", "sigma", "alpha / N~", "Accuracy", "GNR", "Training seconds", "pgd median MSE", "pgd × baseline", "fgsm median MSE", "fgsm × baseline"], headers);

        string Cell(Guid run, string attack, string col) =>
            table.QuerySelector($"tr[data-run='{run}'] td[data-attack='{attack}'][data-col='{col}']")!.TextContent.Trim();
        Assert.Equal("0.02", Cell(reg.Id, "fgsm", "median"));
        Assert.Equal("20×", Cell(reg.Id, "fgsm", "ratio"));
        Assert.Equal("none fooled", Cell(reg.Id, "pgd", "median"));
        Assert.Equal("—", Cell(reg.Id, "pgd", "ratio"));
        Assert.Equal("1.0×", Cell(baseline.Id, "fgsm", "ratio"));
        Assert.Equal("4.0×", Cell(older.Id, "fgsm", "ratio"));
        Assert.Equal("not run", Cell(older.Id, "pgd", "median"));
        Assert.Equal("alpha=2", table.QuerySelector($"tr[data-run='{reg.Id}'] td[data-col=setting]")!.TextContent.Trim());
        Assert.Contains("90.00%", table.QuerySelector($"tr[data-run='{reg.Id}'] td[data-col=accuracy]")!.TextContent);
        // Training seconds per method setting over its seeds: the two baselines (seeds 0 and 1) took 4 s and 5 s.
        string Seconds(Guid run) => table.QuerySelector($"tr[data-run='{run}'] td[data-col=seconds]")!.TextContent.Trim();
        Assert.Equal("4.5 ± 0.7 s", Seconds(baseline.Id));
        Assert.Equal("4.5 ± 0.7 s", Seconds(older.Id));
        Assert.Equal("0 s", Seconds(reg.Id));
    }

    [Fact]
    public async Task Attacks_page_keeps_the_newer_data_set_when_an_older_load_finishes_last()
    {
        var onMnist = _store.Add(new TrainingOptions { Dataset = "mnist", Epochs = 1 }, run =>
            FakeRunStore.Succeed(run, AttackReports.WithAttacks(AttackReports.Report(("fgsm", 0.001)))));
        var onCifar = _store.Add(new TrainingOptions { Dataset = "cifar10", Epochs = 1 }, run =>
            FakeRunStore.Succeed(run, AttackReports.WithAttacks(AttackReports.Report(("fgsm", 0.002)))));
        var slowMnist = new TaskCompletionSource();
        _store.BeforeList = filter => filter.Dataset == "mnist" ? slowMnist.Task : Task.CompletedTask;

        var page = RenderAttacks("dataset=mnist");   // its load waits on the slow listing
        var select = page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Data set");
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("cifar10"));
        page.WaitForAssertion(() => Assert.NotNull(page.Find($"tr[data-run='{onCifar.Id}']")));

        slowMnist.SetResult();   // the older load now lands last
        await Task.Delay(300);
        page.Render();
        Assert.NotNull(page.Find($"tr[data-run='{onCifar.Id}']"));
        Assert.Empty(page.FindAll($"tr[data-run='{onMnist.Id}']"));
    }

    [Fact]
    public void Attacks_page_compares_the_distance_named_in_the_query()
    {
        _store.Add(new TrainingOptions { Dataset = "mnist", Epochs = 1 }, run =>
            FakeRunStore.Succeed(run, AttackReports.WithAttacks(AttackReports.Report(("fgsm", 0.001)))));
        var reg = _store.Add(new TrainingOptions { Dataset = "mnist", Method = TrainingMethod.Regularizer, Sigma = 0.25, Alpha = 1, Epochs = 1 }, run =>
            FakeRunStore.Succeed(run, AttackReports.WithAttacks(AttackReports.Report(("fgsm", 0.03)))));

        var page = RenderAttacks("dataset=mnist&distance=l2");

        page.WaitForAssertion(() =>
        {
            var table = page.Find("[data-testid=attack-table]");
            Assert.Contains("fgsm median L2", table.QuerySelector("thead")!.TextContent);
            Assert.Equal("0.3", table.QuerySelector($"tr[data-run='{reg.Id}'] td[data-col=median]")!.TextContent.Trim());
            Assert.Equal("30×", table.QuerySelector($"tr[data-run='{reg.Id}'] td[data-col=ratio]")!.TextContent.Trim());
        });
    }

    [Fact]
    public void Attacks_page_without_a_baseline_says_so_and_shows_medians_but_no_ratios()
    {
        var reg = _store.Add(new TrainingOptions { Dataset = "mnist", Method = TrainingMethod.Regularizer, Sigma = 0.25, Alpha = 1, Epochs = 1 }, run =>
            FakeRunStore.Succeed(run, AttackReports.WithAttacks(AttackReports.Report(("fgsm", 0.02)))));
        // A baseline without attack metrics does not count.
        _store.Add(new TrainingOptions { Dataset = "mnist", Epochs = 1 }, run => FakeRunStore.Succeed(run));

        var page = RenderAttacks("dataset=mnist");

        page.WaitForAssertion(() =>
        {
            var alert = page.Find("[data-testid=no-baseline]");
            Assert.Contains("No baseline run of mnist with lenet has attack metrics, so there are no ratios", alert.TextContent);
            Assert.Contains("method=baseline", alert.QuerySelector("a")!.GetAttribute("href"));
            Assert.Contains("attack a baseline that already succeeded from its run page", alert.TextContent);
        });
        var table = page.Find("[data-testid=attack-table]");
        Assert.Equal("0.02", table.QuerySelector($"tr[data-run='{reg.Id}'] td[data-col=median]")!.TextContent.Trim());
        Assert.Empty(table.QuerySelectorAll("[data-col=ratio]"));
        Assert.DoesNotContain("× baseline", table.TextContent);
        Assert.Empty(page.FindAll("[data-testid=baseline-line]"));
    }

    /// <summary>The attacks page at /attacks?<paramref name="query"/> (query parameters reach a page through the address).</summary>
    IRenderedComponent<AttacksPage> RenderAttacks(string? query = null)
    {
        if (query is not null) _context.Services.GetRequiredService<NavigationManager>().NavigateTo("/attacks?" + query);
        return RenderPage<AttacksPage>();
    }

    static string RunFormatShort(Guid id) => RobustLab.Web.Components.Runs.RunFormat.ShortId(id);

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

    [Fact]
    public void Trade_off_accuracies_a_fraction_of_a_point_apart_get_tick_labels_with_decimals()
    {
        foreach (var (sigma, accuracy) in new[] { (0.125, 0.869), (0.25, 0.872), (0.5, 0.874) })
            _store.Add(new TrainingOptions { Dataset = "mnist", Method = TrainingMethod.Regularizer, Sigma = sigma, Alpha = 1, Epochs = 1 },
                run => FakeRunStore.Succeed(run, FakeRunStore.SampleMetrics(accuracy)));

        var page = RenderPage<TradeOffPage>();

        page.WaitForAssertion(() =>
        {
            var chart = page.FindComponents<LineChart>().Single(c => c.Instance.Title == "Test accuracy vs training sigma");
            // ".0%" labelled every tick of 86.9% to 87.4% "87%".
            Assert.Equal(".2%", chart.FindComponent<PlotlyChart>().Instance.Layout.YAxis[0].TickFormat);
        });
    }

    [Fact]
    public void Each_model_of_a_two_model_sweep_is_reachable_from_the_comparison_pages_model_list()
    {
        // A sweep over LeNet and ResNet-20: one baseline each; ResNet-20 has more runs, so the pages open on it.
        foreach (var (model, seed) in new[] { ("lenet", 0), ("resnet20", 0), ("resnet20", 1) })
            _store.Add(new TrainingOptions { Dataset = "fashion-mnist", Model = model, Epochs = 1, Seed = seed }, run => FakeRunStore.Succeed(run));

        var page = RenderPage<TradeOffPage>();

        // ResNet-20's baseline over its two seeds.
        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid=settings-table] td[data-col=seeds]").TextContent.Trim()));
        var select = page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Model");
        Assert.Equal("resnet20", select.Instance.Value);
        // Both models with results come first, then the other architectures, marked as having none.
        var items = page.FindComponents<MudSelectItem<string>>().Select(i => i.Instance.Value).ToList();
        var shown = items.Where(v => RobustLab.Training.Models.ModelFactory.Architectures.Contains(v!)).ToList();
        Assert.Equal(["resnet20", "lenet"], shown.Take(2));
        Assert.Equal(RobustLab.Training.Models.ModelFactory.Architectures.Order(), shown.Order());

        page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("lenet")).GetAwaiter().GetResult();
        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-testid=settings-table] td[data-col=seeds]").TextContent.Trim()));
    }

    [Theory]
    [InlineData("resnet20")]
    [InlineData("vgg11bn")]
    public void A_comparison_page_opened_for_a_newer_model_shows_that_models_runs(string model)
    {
        _store.Add(new TrainingOptions { Dataset = "fashion-mnist", Model = "lenet", Epochs = 1 }, run => FakeRunStore.Succeed(run));
        _store.Add(new TrainingOptions { Dataset = "fashion-mnist", Model = model, Epochs = 1 }, run => FakeRunStore.Succeed(run));
        _context.Services.GetRequiredService<NavigationManager>().NavigateTo($"/compare?dataset=fashion-mnist&model={model}");

        var page = RenderPage<FairComparisonPage>();

        page.WaitForAssertion(() => Assert.Contains($"fair-comparison-fashion-mnist-{model}", page.Markup));
        Assert.Equal(model, page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Model").Instance.Value);
    }

    [Fact]
    public void Trade_off_plots_every_methods_settings_in_the_accuracy_vs_gnr_chart_each_in_its_own_colour()
    {
        foreach (var method in Enum.GetValues<TrainingMethod>())
            _store.Add(new TrainingOptions
            {
                Dataset = "fashion-mnist", Method = method, Sigma = method == TrainingMethod.Baseline ? 0 : 0.25,
                Alpha = method == TrainingMethod.Regularizer ? 1 : 0, Copies = method == TrainingMethod.Augmentation ? 2 : 0, Epochs = 1,
            }, run => FakeRunStore.Succeed(run));

        var page = RenderPage<TradeOffPage>();

        page.WaitForAssertion(() =>
        {
            var scatter = page.FindComponents<LineChart>().Single(c => c.Instance.Title == "Accuracy vs GNR, with the Pareto front").Instance.Series;
            var methods = scatter.Where(s => s.Name != "Pareto front").ToList();
            Assert.Equal(TrainingMethods.Names.Order(), methods.Select(s => s.Name).Order());
            Assert.Equal(methods.Count, methods.Select(s => s.Color).Distinct().Count());
        });
        var lines = page.FindComponents<LineChart>().Single(c => c.Instance.Title == "Test accuracy vs training sigma").Instance.Series;
        Assert.Equal(lines.Count, lines.Select(s => s.Color).Distinct().Count());
    }
}
