using Bunit;
using RobustLab.Tests.Api;
using RobustLab.Training.Loop;
using RobustLab.Web.Components.Pages;

namespace RobustLab.Tests.Dashboard.Runs;

/// <summary>The run page says where a run's time went: seconds and share per stage, from the run's stored metrics.</summary>
public class RunTimingsTests : RunsDashboardContext
{
    [Fact]
    public void A_run_page_shows_seconds_and_share_of_training_evaluation_and_attacks_with_their_total()
    {
        var metrics = FakeRunStore.SampleMetrics() with
        {
            Timings = [new(RunStage.Training, 30), new(RunStage.Evaluating, 15), new(RunStage.Attacking, 5)],
        };
        var run = AddRun(r => FakeRunStore.Succeed(r, metrics));
        var page = Render<RunDetail>(p => p.Add(x => x.Id, run.Id));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=run-timings]")));
        string Cell(string stage, string col) => page.Find($"[data-testid=run-timings] tr[data-stage={stage}] td[data-col={col}]").TextContent.Trim();
        Assert.Equal("30.0", Cell("training", "seconds"));
        Assert.Equal("60%", Cell("training", "share"));
        Assert.Equal("15.0", Cell("evaluating", "seconds"));
        Assert.Equal("30%", Cell("evaluating", "share"));
        Assert.Equal("5.0", Cell("attacking", "seconds"));
        Assert.Equal("10%", Cell("attacking", "share"));
        Assert.Equal("50.0", Cell("total", "seconds"));
    }

    [Fact]
    public void A_certified_run_shows_its_certification_seconds_in_the_table()
    {
        var metrics = FakeRunStore.SampleMetrics() with
        {
            Timings = [new(RunStage.Training, 30), new(RunStage.Evaluating, 10), new(RunStage.Certifying, 10)],
        };
        var run = AddRun(r => FakeRunStore.Succeed(r, metrics));
        var page = Render<RunDetail>(p => p.Add(x => x.Id, run.Id));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=run-timings]")));
        string Cell(string col) => page.Find($"[data-testid=run-timings] tr[data-stage=certifying] td[data-col={col}]").TextContent.Trim();
        Assert.Equal("Certification", Cell("stage"));
        Assert.Equal("10.0", Cell("seconds"));
        Assert.Equal("20%", Cell("share"));
    }

    [Fact]
    public void A_run_recorded_before_timings_were_kept_shows_no_timings_table()
    {
        var run = AddRun(r => FakeRunStore.Succeed(r));
        var page = Render<RunDetail>(p => p.Add(x => x.Id, run.Id));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=attack-run]"))); // the metrics part has rendered
        Assert.Empty(page.FindAll("[data-testid=run-timings]"));
    }
}
