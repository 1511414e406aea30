using Bunit;
using MudBlazor;
using RobustLab.Tests.Api;
using RobustLab.Training.Attacks;
using RobustLab.Web.Components.Pages;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.Runs;

/// <summary>"Attack this run" on the run page: queues the same attack job as the API and follows it until its report shows.</summary>
public class AttackRunControlTests : RunsDashboardContext
{
    IRenderedComponent<RunDetail> RenderDetail(Guid id) => Render<RunDetail>(p => p.Add(x => x.Id, id));

    static void Choose(IRenderedComponent<RunDetail> page, params string[] attacks)
    {
        var select = page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Class == "rl-attack-names");
        page.InvokeAsync(() => select.Instance.SelectedValuesChanged.InvokeAsync(attacks)).GetAwaiter().GetResult();
    }

    static void Samples(IRenderedComponent<RunDetail> page, int samples)
    {
        var field = page.FindComponents<MudNumericField<int>>().Single(s => s.Instance.Class == "rl-attack-samples");
        page.InvokeAsync(() => field.Instance.ValueChanged.InvokeAsync(samples)).GetAwaiter().GetResult();
    }

    [Fact]
    public void A_succeeded_run_is_attacked_from_its_page_on_its_queue_and_the_page_shows_the_job_queued()
    {
        var run = AddRun(r => FakeRunStore.Succeed(r), Tiny() with { Device = "cuda:1" });
        var page = RenderDetail(run.Id);
        Assert.Contains("Attack this run", page.Find("[data-testid=attack-run]").TextContent);
        Assert.True(page.Find("button[data-action=attack]").HasAttribute("disabled")); // nothing chosen yet

        Choose(page, "pgd", "fgsm");
        Samples(page, 20);
        page.Find("button[data-action=attack]").Click();

        page.WaitForAssertion(() =>
        {
            var (runId, queue, attacks) = Assert.Single(AttackQueue.Of<AttackJobRequest>());
            Assert.Equal(run.Id, runId);
            Assert.Equal("cuda1", queue);
            Assert.Equal(["pgd", "fgsm"], attacks.Attacks);
            Assert.Equal(20, attacks.Samples);
            var job = page.Find("[data-testid=attack-job]");
            Assert.Equal("queued", job.GetAttribute("data-state"));
            Assert.Contains("attack-job-1 is queued on cuda1", job.TextContent);
            Assert.True(page.Find("button[data-action=attack]").HasAttribute("disabled"));
        });
        Assert.Contains(Snackbars, s => s.Message.Contains("Attack job attack-job-1 queued on cuda1"));
        Assert.Empty(Queue.Enqueued); // no training
    }

    [Fact]
    public void A_run_that_has_not_succeeded_offers_no_attack()
    {
        var running = AddRun(r => { r.Status = RunStatus.Running; r.Epoch = 1; });
        var failed = AddRun(r => { r.Status = RunStatus.Failed; r.Error = "boom"; });

        Assert.Empty(RenderDetail(running.Id).FindAll("[data-testid=attack-run]"));
        Assert.Empty(RenderDetail(failed.Id).FindAll("[data-testid=attack-run]"));
    }

    [Fact]
    public async Task When_the_running_attack_job_finishes_the_attack_table_appears_without_a_reload()
    {
        var run = AddRun(r => FakeRunStore.Succeed(r));
        await AttackQueue.EnqueueAsync(run, new AttackJobRequest(["fgsm"], 10));
        AttackQueue.SetState(run.Id, PostTrainingJobState.Running);
        var page = RenderDetail(run.Id);
        Assert.Equal("running", page.Find("[data-testid=attack-job]").GetAttribute("data-state"));
        Assert.Empty(page.FindAll("[data-testid=run-attacks]"));

        // The job stores its report, publishes the change, and Hangfire marks it succeeded.
        FakeRunStore.Succeed(run, AttackReports.WithAttacks(AttackReports.Report(("fgsm", 0.003))));
        AttackQueue.SetState(run.Id, null);
        Events.Publish(RunProgress.From(run) with { At = DateTimeOffset.UtcNow });

        page.WaitForAssertion(() =>
        {
            Assert.Equal("fgsm", page.Find("[data-testid=run-attacks] tr[data-attack=fgsm] td[data-col=attack]").TextContent.Trim());
            Assert.Empty(page.FindAll("[data-testid=attack-job]"));
            Assert.False(page.Find("button[data-action=attack]").HasAttribute("disabled")); // fgsm and K preselected from the report
        });
    }

    [Fact]
    public async Task The_end_of_a_job_that_publishes_nothing_more_is_noticed_by_polling_the_job()
    {
        var run = AddRun(r => FakeRunStore.Succeed(r));
        await AttackQueue.EnqueueAsync(run, new AttackJobRequest(["fgsm"], 10));
        var page = RenderDetail(run.Id);
        Assert.Equal("queued", page.Find("[data-testid=attack-job]").GetAttribute("data-state"));

        AttackQueue.SetState(run.Id, PostTrainingJobState.Failed, "fashion-mnist is not installed");

        page.WaitForAssertion(() =>
        {
            var job = page.Find("[data-testid=attack-job]");
            Assert.Equal("failed", job.GetAttribute("data-state"));
            Assert.Contains("fashion-mnist is not installed", job.TextContent);
        }, TimeSpan.FromSeconds(10));
        Assert.Contains("succeeded", page.Find(".mud-chip").TextContent.ToLowerInvariant()); // the run itself stays succeeded
    }
}
