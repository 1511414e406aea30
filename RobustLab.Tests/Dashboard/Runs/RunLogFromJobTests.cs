using RobustLab.Tests.Jobs;
using RobustLab.Training.Runtime;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.Runs;

public class RunLogFromJobTests
{
    public RunLogFromJobTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public async Task A_trained_run_leaves_a_run_log_with_its_status_changes_and_epochs()
    {
        await using var lab = await JobEngineHost.StartAsync();
        var run = await lab.SubmitAsync(JobEngineHost.TinyRun);
        var done = await lab.WaitUntilFinishedAsync(run.Id);
        Assert.True(done.Status == RunStatus.Succeeded, $"status {done.Status}: {done.Error}");

        var lines = RunLog.Tail(done.RunDir)!.Select(l => l[21..]).ToList(); // without the timestamp
        Assert.StartsWith("status running: training", lines[0]);
        Assert.StartsWith("epoch 1/2: train loss", lines[1]);
        Assert.StartsWith("epoch 2/2: train loss", lines[2]);
        Assert.Equal("status evaluating", lines[3]);
        Assert.StartsWith("status succeeded: test accuracy", lines[4]);
        Assert.Equal(5, lines.Count);
    }
}
