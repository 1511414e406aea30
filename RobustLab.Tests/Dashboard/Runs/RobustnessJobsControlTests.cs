using Bunit;
using RobustLab.Tests.Api;
using RobustLab.Web.Components.Pages;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.Runs;

/// <summary>"Certify this run" and "Measure corruptions" on the run page: the API's jobs, queued through its submitters, one at a time per run.</summary>
public class RobustnessJobsControlTests : RunsDashboardContext
{
    IRenderedComponent<RunDetail> RenderDetail(Guid id) => Render<RunDetail>(p => p.Add(x => x.Id, id));

    [Fact]
    public void Certify_queues_a_certification_job_at_the_training_sigma_and_both_buttons_wait_while_it_is_pending()
    {
        var run = AddRun(r => FakeRunStore.Succeed(r), Tiny() with { Sigma = 0.5 });
        var page = RenderDetail(run.Id);
        Assert.False(page.Find("button[data-action=certify]").HasAttribute("disabled"));

        page.Find("button[data-action=certify]").Click();

        page.WaitForAssertion(() =>
        {
            var (runId, _, request) = Assert.Single(AttackQueue.Of<CertifyJobRequest>());
            Assert.Equal(run.Id, runId);
            Assert.Null(request.Sigmas); // the training sigma, resolved by the job
            Assert.Equal((100, 10_000, 500), (request.N0, request.N, request.Images));
            Assert.Equal("queued", page.Find("[data-testid=attack-job]").GetAttribute("data-state"));
            Assert.True(page.Find("button[data-action=certify]").HasAttribute("disabled"));
            Assert.True(page.Find("button[data-action=corrupt]").HasAttribute("disabled"));
        });
        Assert.Contains("Waiting: the run's certification job is queued", page.Find("[data-testid=robustness-jobs]").TextContent);
    }

    [Fact]
    public void Measure_corruptions_queues_a_corruption_job_for_every_corruption_and_severity()
    {
        var run = AddRun(r => FakeRunStore.Succeed(r));
        var page = RenderDetail(run.Id);
        page.Find("button[data-action=corrupt]").Click();

        page.WaitForAssertion(() =>
        {
            var (runId, _, request) = Assert.Single(AttackQueue.Of<CorruptJobRequest>());
            Assert.Equal(run.Id, runId);
            Assert.Equal([1, 2, 3, 4, 5], request.Severities);
            Assert.Null(request.TestSubset);
            Assert.True(page.Find("button[data-action=corrupt]").HasAttribute("disabled"));
        });
    }

    [Fact]
    public void A_run_that_has_not_succeeded_offers_neither()
    {
        var running = AddRun(r => { r.Status = RunStatus.Running; r.Epoch = 1; });
        Assert.Empty(RenderDetail(running.Id).FindAll("[data-testid=robustness-jobs]"));
    }
}
