using Bunit;
using MudBlazor;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.RunForm;

/// <summary>When the queue refuses a run, the form says so by name and the run is marked failed (it can be retried), as the API does.</summary>
public sealed class RunFormQueueFailureTests : IAsyncLifetime
{
    readonly RunFormContext _ctx = new(new BrokenRunQueue());
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    [Fact]
    public void A_sweep_whose_runs_cannot_be_queued_is_reported_and_its_runs_marked_failed()
    {
        var cut = _ctx.RenderPage();
        cut.Find(".rl-submit").Click();

        cut.WaitForAssertion(() => Assert.Contains(_ctx.Snackbar.ShownSnackbars, s =>
            s.Severity == Severity.Error && s.Message.StartsWith("Queued 0 runs (0 reused); 2 could not be queued")
            && s.Message.Contains("the job storage is unreachable")));
        Assert.Equal(2, _ctx.Store.Runs.Count);
        Assert.All(_ctx.Store.Runs, r => Assert.Equal(RunStatus.Failed, r.Status));
    }
}
