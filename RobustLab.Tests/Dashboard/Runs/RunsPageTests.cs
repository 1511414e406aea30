using Bunit;
using MudBlazor;
using RobustLab.Tests.Api;
using RobustLab.Training.Loop;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;
using RunsPage = RobustLab.Web.Components.Pages.Runs;

namespace RobustLab.Tests.Dashboard.Runs;

public class RunsPageTests : RunsDashboardContext
{
    IRenderedComponent<RunsPage> RenderPage() => Render<RunsPage>(p => p.Add(x => x.RefreshEvery, TimeSpan.Zero));

    static string RowText(IRenderedComponent<RunsPage> page, Guid id) =>
        page.FindAll("tr.rl-run-row").Single(r => r.InnerHtml.Contains($"/runs/{id}")).TextContent;

    [Fact]
    public void Table_lists_runs_newest_first_with_status_progress_and_metrics()
    {
        var now = DateTimeOffset.UtcNow;
        var queued = AddRun(createdAt: now.AddMinutes(-1));
        var running = AddRun(r => { r.Status = RunStatus.Running; r.Epoch = 2; r.EpochProgress = 0.4; r.EtaSeconds = 180; }, createdAt: now.AddMinutes(-2));
        var succeeded = AddRun(r => FakeRunStore.Succeed(r), Tiny(TrainingMethod.Augmentation), createdAt: now.AddMinutes(-3));
        var failed = AddRun(r => { r.Status = RunStatus.Failed; r.Epoch = 1; r.Error = "out of memory"; }, createdAt: now.AddMinutes(-4));

        var page = RenderPage();

        var rows = page.FindAll("tr.rl-run-row");
        Assert.Equal(4, rows.Count);
        Assert.Equal([queued.Id, running.Id, succeeded.Id, failed.Id],
            rows.Select(r => new[] { queued, running, succeeded, failed }.Single(x => r.InnerHtml.Contains($"/runs/{x.Id}")).Id));

        Assert.Contains("queued", RowText(page, queued.Id));
        Assert.Contains("queued (5 epochs)", RowText(page, queued.Id));
        string runningRow = RowText(page, running.Id);
        Assert.Contains("running", runningRow);
        Assert.Contains("epoch 2 of 5 (40%)", runningRow);
        Assert.Contains("~3 min left", runningRow);
        string succeededRow = RowText(page, succeeded.Id);
        Assert.Contains("succeeded", succeededRow);
        Assert.Contains("87.50%", succeededRow); // test accuracy
        Assert.Contains("0.7500", succeededRow); // GNR
        Assert.Contains("augmentation", succeededRow);
        Assert.Contains("failed", RowText(page, failed.Id));
        Assert.Contains("stopped in epoch 1 of 5", RowText(page, failed.Id));
    }

    [Fact]
    public void Runs_of_a_sweep_show_its_short_id()
    {
        var sweep = Guid.NewGuid();
        var run = Store.Add(Tiny(), sweepId: sweep);

        var page = RenderPage();

        Assert.Contains("sweep " + sweep.ToString("N")[^8..], RowText(page, run.Id));
    }

    [Fact]
    public void Empty_state_says_no_runs_yet_and_links_to_the_form()
    {
        var page = RenderPage();

        var empty = page.Find(".rl-empty");
        Assert.Contains("No runs yet", empty.TextContent);
        Assert.Equal("/new", empty.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(page.FindAll("tr.rl-run-row"));
    }

    [Fact]
    public void A_progress_event_changes_the_row_without_a_reload()
    {
        var run = AddRun(r => { r.Status = RunStatus.Running; r.Epoch = 1; r.EpochProgress = 0.1; r.EtaSeconds = 600; });
        var page = RenderPage();
        Assert.Contains("epoch 1 of 5 (10%)", RowText(page, run.Id));

        Events.Publish(new RunProgress(run.Id, RunStatus.Running, 3, 5, 0.5, 90, null, DateTimeOffset.UtcNow));

        page.WaitForAssertion(() =>
        {
            string row = RowText(page, run.Id);
            Assert.Contains("epoch 3 of 5 (50%)", row);
            Assert.Contains("~2 min left", row);
        });
    }

    [Fact]
    public void A_run_that_finishes_shows_its_accuracy_and_gnr()
    {
        var run = AddRun(r => { r.Status = RunStatus.Evaluating; r.Epoch = 5; r.EpochProgress = 1; });
        var page = RenderPage();
        Assert.Contains("—", page.Find("tr.rl-run-row td[data-col=accuracy]").TextContent);

        FakeRunStore.Succeed(run, FakeRunStore.SampleMetrics(0.9));
        Events.Publish(new RunProgress(run.Id, RunStatus.Succeeded, 5, 5, 1, null, null, DateTimeOffset.UtcNow));

        page.WaitForAssertion(() => Assert.Contains("90.00%", page.Find("tr.rl-run-row td[data-col=accuracy]").TextContent));
    }

    [Fact]
    public void A_run_queued_elsewhere_appears_when_it_starts()
    {
        var page = RenderPage();
        Assert.Empty(page.FindAll("tr.rl-run-row"));

        var run = AddRun(r => { r.Status = RunStatus.Running; r.Epoch = 1; });
        Events.Publish(new RunProgress(run.Id, RunStatus.Running, 1, 5, 0, null, null, DateTimeOffset.UtcNow));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tr.rl-run-row")));
    }

    [Fact]
    public async Task Closing_the_page_removes_its_event_handler()
    {
        AddRun(r => r.Status = RunStatus.Running);
        int before = Subscribers(Events);

        var page = RenderPage();
        Assert.Equal(before + 1, Subscribers(Events));

        await DisposeComponentsAsync();
        Assert.Equal(before, Subscribers(Events));
        Events.Publish(new RunProgress(Guid.NewGuid(), RunStatus.Running, 1, 5, 0.5, null, null, DateTimeOffset.UtcNow)); // nobody left to fail
    }

    [Fact]
    public void Cancel_button_asks_the_queue_to_cancel_the_run()
    {
        var run = AddRun(r => { r.Status = RunStatus.Running; r.Epoch = 2; });
        var page = RenderPage();

        page.Find("button[data-action=cancel]").Click();

        page.WaitForAssertion(() => Assert.Equal([run.Id], Queue.Cancelled));
        Assert.Contains(Snackbars, s => s.Message.Contains("cancel requested") && s.Severity == Severity.Success);
    }

    [Fact]
    public void Retry_is_offered_for_a_failed_run_and_requeues_it()
    {
        var run = AddRun(r => { r.Status = RunStatus.Failed; r.Error = "boom"; });
        var page = RenderPage();
        Assert.Empty(page.FindAll("button[data-action=cancel]"));

        page.Find("button[data-action=retry]").Click();

        page.WaitForAssertion(() => Assert.Contains(Queue.Enqueued, e => e.RunId == run.Id));
        page.WaitForAssertion(() => Assert.Contains("queued", RowText(page, run.Id)));
    }

    [Fact]
    public void An_action_that_fails_says_why_in_a_snackbar()
    {
        var run = AddRun(r => r.Status = RunStatus.Running);
        var page = RenderPage();
        // Another tab cancels and deletes it meanwhile.
        run.Status = RunStatus.Cancelled;
        Assert.True(Store.DeleteRunAsync(run.Id).Result);

        page.Find("button[data-action=cancel]").Click();

        page.WaitForAssertion(() => Assert.Contains(Snackbars, s => s.Severity == Severity.Error && s.Message.Contains("not in the run store")));
    }

    [Fact]
    public void A_finished_run_links_to_its_detail_page_and_can_be_deleted()
    {
        var run = AddRun(r => FakeRunStore.Succeed(r));
        var page = RenderPage();

        Assert.Contains($"/runs/{run.Id}", page.Find("button[data-action=details], a[data-action=details]").GetAttribute("href"));
        Assert.NotEmpty(page.FindAll("button[data-action=delete]"));
    }

    [Fact]
    public async Task Deleting_a_queued_run_removes_it_its_waiting_job_and_its_folder()
    {
        var run = AddRun();
        await Queue.EnqueueAsync(run);
        Assert.Contains(run.JobId!, Queue.Waiting.Keys);
        Directory.CreateDirectory(run.RunDir!);
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage();

        page.Find("button[data-action=delete]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains(dialogs.FindAll("button"), b => b.TextContent.Trim() == "Delete"));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("tr.rl-run-row")));
        Assert.Null(await Store.GetRunAsync(run.Id));
        Assert.DoesNotContain(run.JobId!, Queue.Waiting.Keys);
        Assert.False(Directory.Exists(run.RunDir));
        Assert.Contains(Snackbars, s => s.Severity == Severity.Success && s.Message.Contains("deleted"));
    }

    [Fact]
    public async Task Filters_list_only_the_matching_runs_and_say_so_when_none_match()
    {
        var failed = AddRun(r => { r.Status = RunStatus.Failed; r.Error = "boom"; });
        AddRun(r => FakeRunStore.Succeed(r));
        var page = RenderPage();
        Assert.Equal(2, page.FindAll("tr.rl-run-row").Count);

        var status = page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Status");
        await page.InvokeAsync(() => status.Instance.ValueChanged.InvokeAsync("failed"));
        page.WaitForAssertion(() => Assert.Contains($"/runs/{failed.Id}", Assert.Single(page.FindAll("tr.rl-run-row")).InnerHtml));

        var method = page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Method");
        await page.InvokeAsync(() => method.Instance.ValueChanged.InvokeAsync("baseline"));
        page.WaitForAssertion(() => Assert.Contains("No runs match these filters", page.Find(".rl-empty").TextContent));

        page.Find(".rl-empty button").Click();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tr.rl-run-row").Count));
    }
}
