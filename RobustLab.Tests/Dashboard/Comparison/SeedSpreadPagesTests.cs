using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using RobustLab.Tests.Api;
using RobustLab.Tests.Loop;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Comparison;
using RobustLab.Web.Components.Charts;
using RobustLab.Web.Components.Pages;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>Seeds as error bars on the trade-off and fair-comparison pages: the Plotly traces' error_y/error_x, the tables' mean ± std, the Welch verdict.</summary>
public sealed class SeedSpreadPagesTests : IAsyncLifetime
{
    readonly TempFolder _folder = new();
    readonly BunitContext _context = BunitWait.NewContext();
    readonly FakeRunStore _store;

    public SeedSpreadPagesTests()
    {
        _store = new FakeRunStore(_folder.Path);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IRunStore>(_store);
        _context.Services.AddSingleton<RunEvents>();
        _context.Services.AddComparisonServices();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _folder.Dispose();
    }

    IRenderedComponent<TPage> RenderPage<TPage>(string query) where TPage : IComponent
    {
        _context.Render<MudPopoverProvider>();
        _context.Services.GetRequiredService<NavigationManager>().NavigateTo("/x?" + query);
        return _context.Render<TPage>();
    }

    /// <summary>One succeeded run per GNR value (seeds 0, 1, ...), each with the given accuracies and GNRs.</summary>
    void Seeds(TrainingMethod method, double sigma, double alpha, int copies, double[] accuracies, double[] gnrs)
    {
        for (int seed = 0; seed < gnrs.Length; seed++)
        {
            double accuracy = accuracies[seed], gnr = gnrs[seed];
            _store.Add(new TrainingOptions { Dataset = "mnist", Method = method, Sigma = sigma, Alpha = alpha, Copies = copies, Seed = seed, Epochs = 1 },
                run => FakeRunStore.Succeed(run, new EvaluationResult(accuracy, 1000, gnr, gnr, [new GnrPoint(0, 1), new GnrPoint(0.5, gnr)],
                    0.5, 0.01, 0.25, 8, 4, seed)));
        }
    }

    static Scatter Trace<TPage>(IRenderedComponent<TPage> page, string chartTitle, string series) where TPage : class, IComponent =>
        page.FindComponents<LineChart>().Single(c => c.Instance.Title == chartTitle).FindComponent<PlotlyChart>()
            .Instance.Data.OfType<Scatter>().Single(t => t.Name == series);

    [Fact]
    public void Trade_off_draws_one_std_error_bar_per_point_and_none_for_a_single_seed_and_tabulates_mean_and_std()
    {
        Seeds(TrainingMethod.Regularizer, 0.25, 1, 0, [0.80, 0.90, 0.85], [0.6, 0.8, 0.7]);
        Seeds(TrainingMethod.Regularizer, 0.5, 1, 0, [0.75], [0.9]);
        Seeds(TrainingMethod.Baseline, 0, 0, 0, [0.90, 0.92], [0.3, 0.3]);

        var page = RenderPage<TradeOffPage>("dataset=mnist&model=lenet");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=settings-table]")));
        var accuracy = Trace(page, "Test accuracy vs training sigma", "regularizer alpha=1");
        Assert.True(accuracy.ErrorY.Visible);
        Assert.Equal(0.05, (double)accuracy.ErrorY.Array[0], 12);
        Assert.Equal("NaN", accuracy.ErrorY.Array[1]);   // one seed: no bar
        var gnr = Trace(page, "GNR (gnr) vs training sigma", "regularizer alpha=1");
        Assert.Equal(0.1, (double)gnr.ErrorY.Array[0], 12);
        Assert.Contains("accuracy 85.00 ± 5.00%, GNR 0.7000 ± 0.1000, 3 seeds", gnr.TextArray[0]);
        Assert.Contains(page.FindComponents<LineChart>().Single(c => c.Instance.Title == "Test accuracy vs training sigma").Instance.Series,
            s => s.Name == "baseline 91.00 ± 1.41% (2 seeds)");

        var pareto = Trace(page, "Accuracy vs GNR, with the Pareto front", "regularizer");
        Assert.Equal(0.1, (double)pareto.ErrorX.Array[0], 12);
        Assert.Equal(0.05, (double)pareto.ErrorY.Array[0], 12);

        string Cell(string setting, string col) =>
            page.Find($"[data-testid=settings-table] tr[data-setting='{setting}'] td[data-col={col}]").TextContent.Trim();
        Assert.Equal("3", Cell("regularizer alpha=1 sigma=0.25", "seeds"));
        Assert.Equal("85.00 ± 5.00%", Cell("regularizer alpha=1 sigma=0.25", "accuracy"));
        Assert.Equal("0.7000 ± 0.1000", Cell("regularizer alpha=1 sigma=0.25", "gnr"));
        Assert.Equal("75.00%", Cell("regularizer alpha=1 sigma=0.5", "accuracy"));
        Assert.Equal("1", Cell("regularizer alpha=1 sigma=0.5", "seeds"));
    }

    [Fact]
    public void Fair_comparison_shows_mean_and_std_error_bars_and_whether_the_lead_exceeds_the_seed_spread()
    {
        Seeds(TrainingMethod.Baseline, 0, 0, 0, [0.90, 0.90], [0.3, 0.3]);
        Seeds(TrainingMethod.Regularizer, 0.25, 1, 0, [0.90, 0.90, 0.90], [0.71, 0.74, 0.78]);
        Seeds(TrainingMethod.Augmentation, 0.25, 0, 6, [0.90, 0.90, 0.90, 0.90], [0.60, 0.61, 0.62, 0.60]);

        var page = RenderPage<FairComparisonPage>("dataset=mnist&model=lenet");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=seed-spread]")));
        var verdict = page.Find("[data-testid=seed-spread]");
        Assert.Equal(nameof(AdvantageOutcome.RegularizerAhead), verdict.GetAttribute("data-outcome"));
        Assert.Contains("exceeds the seed spread", verdict.TextContent);
        Assert.Contains("p = 0.017", verdict.TextContent);

        var table = page.Find("[data-testid=best-per-method]");
        var regRow = table.QuerySelectorAll("tbody tr").Single(r => r.TextContent.Contains("regularizer"));
        Assert.Equal("0.7433 ± 0.0351", regRow.QuerySelector("td[data-col=gnr]")!.TextContent.Trim());
        Assert.Equal("3", regRow.QuerySelector("td[data-col=seeds]")!.TextContent.Trim());
        Assert.Equal("90.00 ± 0.00%", regRow.QuerySelector("td[data-col=accuracy]")!.TextContent.Trim());

        var best = Trace(page, "Accuracy vs GNR: who competes", "best regularizer");
        Assert.Equal(0.035118845842842, (double)best.ErrorX.Array[0], 12);   // sqrt(((0.71-m)^2 + (0.74-m)^2 + (0.78-m)^2) / 2)
    }

    [Fact]
    public void Fair_comparison_with_one_seed_says_it_cannot_tell_and_draws_no_error_bars()
    {
        Seeds(TrainingMethod.Baseline, 0, 0, 0, [0.90], [0.3]);
        Seeds(TrainingMethod.Regularizer, 0.25, 1, 0, [0.90], [0.8]);
        Seeds(TrainingMethod.Augmentation, 0.25, 0, 6, [0.90], [0.6]);

        var page = RenderPage<FairComparisonPage>("dataset=mnist&model=lenet");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=seed-spread]")));
        var verdict = page.Find("[data-testid=seed-spread]");
        Assert.Equal(nameof(AdvantageOutcome.CannotTell), verdict.GetAttribute("data-outcome"));
        Assert.Contains("Cannot tell", verdict.TextContent);
        Assert.Contains("at least 2 seeds per side", verdict.TextContent);
        Assert.Contains("(mean of 1 run(s))", page.Find("[data-testid=baseline-line]").TextContent);
        Assert.Null(Trace(page, "Accuracy vs GNR: who competes", "best regularizer").ErrorX);
    }
}
