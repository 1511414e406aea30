using Bunit;
using Plotly.Blazor;
using RobustLab.Tests.Api;
using RobustLab.Tests.Dashboard.Comparison;
using RobustLab.Training.Loop;
using RobustLab.Web.Components.Charts;
using RobustLab.Web.Components.Pages;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.Runs;

public class RunDetailPageTests : RunsDashboardContext
{
    IRenderedComponent<RunDetail> RenderDetail(Guid id) => Render<RunDetail>(p => p.Add(x => x.Id, id));

    static EpochEntity Epoch(Guid runId, int epoch) => new()
    {
        RunId = runId, Epoch = epoch, TrainLoss = 1.0 / epoch, TrainAccuracy = 0.5 + epoch / 20.0,
        ValidationLoss = 1.1 / epoch, ValidationAccuracy = 0.45 + epoch / 20.0, Seconds = 3, RecordedAt = DateTimeOffset.UtcNow,
    };

    static EpochReport Report(int epoch) => new(epoch, 5, 1.0 / epoch, 0.5 + epoch / 20.0, 1.1 / epoch, 0.45 + epoch / 20.0, 0.001, 3, 300, true);

    [Fact]
    public void An_unknown_run_says_so_and_links_back_to_the_runs()
    {
        var page = RenderDetail(Guid.NewGuid());

        var box = page.Find(".rl-not-found");
        Assert.Contains("No run", box.TextContent);
        Assert.Equal("/", box.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void A_succeeded_run_shows_its_metrics_gnr_curve_configuration_and_downloads()
    {
        var run = AddRun(r => { FakeRunStore.Succeed(r); r.EpochReports = [Epoch(r.Id, 1), Epoch(r.Id, 2)]; });

        var page = RenderDetail(run.Id);

        Assert.Contains("87.50%", page.Find("[data-metric=test-accuracy]").TextContent);
        Assert.Equal("0.7500", page.Find("[data-metric=gnr]").TextContent.Trim());
        Assert.Equal("0.7000", page.Find("[data-metric=gnr-mean]").TextContent.Trim());
        Assert.Equal("86.00%", page.Find("[data-metric=moment-accuracy]").TextContent.Trim());
        Assert.Equal("0.0400", page.Find("[data-metric=moment-gap]").TextContent.Trim());
        Assert.Contains("moment gap is the relative distance", page.Find("[data-explains=moment-gap]").TextContent);

        var charts = page.FindComponents<LineChart>();
        var gnr = charts.Single(c => c.Instance.Title == "GNR curve").Instance.Series.Single();
        Assert.Equal([0, 0.25, 0.5], gnr.X);
        Assert.Equal([1, 0.8, 0.5], gnr.Y);
        var loss = charts.Single(c => c.Instance.Title == "Loss per epoch").Instance.Series;
        Assert.Equal(["train loss", "validation loss"], loss.Select(s => s.Name));
        Assert.Equal([1.0, 2.0], loss[0].X);

        string config = page.Find(".rl-config").TextContent;
        Assert.Contains("fashion-mnist", config);
        Assert.Contains("regularizer", config);
        Assert.Contains("1000 images", config); // train subset

        var downloads = page.FindAll("[data-download]");
        Assert.Equal(["safetensors", "torchsharp", "runjson"], downloads.Select(a => a.GetAttribute("data-download")));
        Assert.Equal($"/api/runs/{run.Id}/files/safetensors", downloads[0].GetAttribute("href"));
        Assert.Equal($"/api/runs/{run.Id}/files/runjson", downloads[2].GetAttribute("href"));
    }

    [Fact]
    public void A_certified_run_offers_the_per_image_rows_of_each_certified_sigma()
    {
        var metrics = FakeRunStore.SampleMetrics() with
        {
            Certification = [RobustnessReports.Certified(0.25, 0.8, 1.0), RobustnessReports.Certified(0.5, 0.6, 1.2)],
        };
        var run = AddRun(r => FakeRunStore.Succeed(r, metrics));

        var page = RenderDetail(run.Id);

        var links = page.FindAll("[data-download=certification]");
        Assert.Equal([$"/api/runs/{run.Id}/certification.csv?sigma=0.25", $"/api/runs/{run.Id}/certification.csv?sigma=0.5"],
            links.Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void A_run_with_attack_metrics_shows_the_attacks_table_with_one_row_per_attack()
    {
        var report = AttackReports.Report(("pgd", 0.0012), ("gaussian", double.NaN));
        var run = AddRun(r => FakeRunStore.Succeed(r, AttackReports.WithAttacks(report)), Tiny() with { Attacks = ["pgd", "gaussian"], AttackSamples = 12 });

        var page = RenderDetail(run.Id);

        var table = page.Find("[data-testid=run-attacks]");
        Assert.Equal(["Attack", "Success rate", "Median L2", "Median Linf", "Median MSE", "Mean MSE", "Seconds"],
            table.QuerySelectorAll("thead th").Select(h => h.TextContent.Trim()));
        string Cell(string attack, string col) => table.QuerySelector($"tr[data-attack={attack}] td[data-col={col}]")!.TextContent.Trim();
        Assert.Equal("pgd", Cell("pgd", "attack"));
        Assert.StartsWith("90.0%", Cell("pgd", "success-rate"));
        Assert.Contains("9 of 10", Cell("pgd", "success-rate"));
        Assert.Equal("0.012", Cell("pgd", "median-l2"));
        Assert.Equal("0.0024", Cell("pgd", "median-linf"));
        Assert.Equal("0.0012", Cell("pgd", "median-mse"));
        Assert.Equal("0.0018", Cell("pgd", "mean-mse"));
        Assert.Equal("1.5", Cell("pgd", "seconds"));
        Assert.Equal("—", Cell("gaussian", "median-mse")); // fooled none
        Assert.Contains("pgd, gaussian on 12 test images", page.Find(".rl-config").TextContent);
    }

    [Fact]
    public void A_run_without_attack_metrics_has_no_attacks_table()
    {
        var run = AddRun(r => FakeRunStore.Succeed(r));

        var page = RenderDetail(run.Id);

        Assert.NotNull(page.Find("[data-metric=gnr]"));
        Assert.Empty(page.FindAll("[data-testid=run-attacks]"));
        Assert.DoesNotContain("Attacks after training", page.Find(".rl-config").TextContent);
    }

    [Fact]
    public void An_evaluating_run_whose_progress_is_below_one_reads_as_attacking_with_the_suites_share_done()
    {
        var run = AddRun(r => { r.Status = RunStatus.Evaluating; r.Epoch = 5; r.EpochProgress = 1; });
        var page = RenderDetail(run.Id);
        Assert.Contains("evaluating (trained 5 epochs)", page.Find(".rl-progress").TextContent);

        Events.Publish(new RunProgress(run.Id, RunStatus.Evaluating, 5, 5, 0.35, null, null, DateTimeOffset.UtcNow));

        page.WaitForAssertion(() => Assert.Contains("attacking (35%; trained 5 epochs)", page.Find(".rl-progress").TextContent));
    }

    [Fact]
    public void Each_finished_epoch_is_added_to_the_charts_as_it_arrives()
    {
        var run = AddRun(r => { r.Status = RunStatus.Running; r.Epoch = 1; r.EpochProgress = 0.5; });
        var page = RenderDetail(run.Id);
        LineChart Accuracy() => page.FindComponents<LineChart>().Single(c => c.Instance.Title == "Accuracy per epoch").Instance;
        Assert.Empty(Accuracy().Series[0].X);

        Events.Publish(new RunProgress(run.Id, RunStatus.Running, 1, 5, 1, 12, null, DateTimeOffset.UtcNow, Report(1)));
        page.WaitForAssertion(() => Assert.Equal([1.0], Accuracy().Series[0].X));

        Events.Publish(new RunProgress(run.Id, RunStatus.Running, 2, 5, 1, 9, null, DateTimeOffset.UtcNow, Report(2)));
        page.WaitForAssertion(() =>
        {
            Assert.Equal([1.0, 2.0], Accuracy().Series[0].X);
            Assert.Equal([0.55, 0.6], Accuracy().Series[0].Y);
            Assert.Equal([0.5, 0.55], Accuracy().Series[1].Y); // validation
            Assert.Contains("epoch 2 of 5", page.Find(".rl-progress").TextContent);
        });
    }

    [Fact]
    public void The_log_shows_the_tail_of_run_log_and_follows_it()
    {
        var run = AddRun(r => { r.Status = RunStatus.Running; r.Epoch = 1; });
        Directory.CreateDirectory(run.RunDir!);
        File.WriteAllText(Path.Combine(run.RunDir!, RunLog.FileName), "2025-01-01 00:00:00Z status running: training\n");
        var page = RenderDetail(run.Id);
        Assert.Contains("status running: training", page.Find("pre.rl-log").TextContent);

        File.AppendAllText(Path.Combine(run.RunDir!, RunLog.FileName), "2025-01-01 00:00:05Z epoch 1/5: train loss 0.5\n");
        Events.Publish(new RunProgress(run.Id, RunStatus.Running, 1, 5, 1, 12, null, DateTimeOffset.UtcNow, Report(1)));

        page.WaitForAssertion(() => Assert.Contains("epoch 1/5: train loss 0.5", page.Find("pre.rl-log").TextContent));
    }

    [Fact]
    public void A_run_without_a_log_here_says_where_it_is()
    {
        var run = AddRun();
        var page = RenderDetail(run.Id);
        Assert.Contains("No log on this machine yet", page.Find(".rl-log-missing").TextContent);
    }

    [Fact]
    public void A_failed_run_shows_its_error_and_offers_retry()
    {
        var run = AddRun(r => { r.Status = RunStatus.Failed; r.Epoch = 2; r.Error = "data set fashion-mnist not found"; });
        var page = RenderDetail(run.Id);

        Assert.Contains("data set fashion-mnist not found", page.Find("[data-field=error]").TextContent);
        page.Find("button[data-action=retry]").Click();
        page.WaitForAssertion(() => Assert.Contains(Queue.Enqueued, e => e.RunId == run.Id));
    }

    [Fact]
    public async Task Closing_the_page_removes_its_event_handler()
    {
        var run = AddRun(r => r.Status = RunStatus.Running);
        int before = Subscribers(Events);

        RenderDetail(run.Id);
        Assert.Equal(before + 1, Subscribers(Events));

        await DisposeComponentsAsync();
        Assert.Equal(before, Subscribers(Events));
    }

    [Fact]
    public void Charts_keep_the_png_export_and_load_nothing_from_a_cdn()
    {
        var run = AddRun(r => FakeRunStore.Succeed(r));
        var page = RenderDetail(run.Id);

        var charts = page.FindComponents<PlotlyChart>();
        Assert.Equal(3, charts.Count);
        Assert.All(charts, c =>
        {
            var config = c.Instance.Config;
            Assert.False(config.DisplayLogo);
            Assert.False(config.TypesetMath);
            Assert.Null(config.TopoJsonUrl);
            Assert.Null(config.ModeBarButtons);
            Assert.Null(config.ModeBarButtonsToRemove); // "toImage" (Download plot as png) stays
            Assert.NotEqual(Plotly.Blazor.ConfigLib.DisplayModeBarEnum.False, config.DisplayModeBar);
        });
    }
}
