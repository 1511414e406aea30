using Microsoft.Extensions.Logging.Abstractions;
using RobustLab.Tests.Loop;
using RobustLab.Training.Loop;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.Runs;

public class RunLogTests
{
    [Fact]
    public void Status_changes_epochs_and_errors_are_appended_one_line_each()
    {
        using var folder = new TempFolder();
        string runDir = folder.Sub("run"); // created on the first write
        var log = new RunLog(runDir, NullLogger.Instance);

        log.Status(RunStatus.Running, "training regularizer lenet on fashion-mnist (cpu), 2 epochs");
        log.Epoch(new EpochReport(1, 2, 0.51234, 0.8, 0.6, 0.75, 0.001, 2.5, 400, true));
        log.Error("out of memory");
        log.Status(RunStatus.Failed, "out of memory");

        var lines = RunLog.Tail(runDir)!;
        Assert.Equal(4, lines.Count);
        Assert.EndsWith("status running: training regularizer lenet on fashion-mnist (cpu), 2 epochs", lines[0]);
        Assert.Contains("epoch 1/2: train loss 0.5123", lines[1]);
        Assert.Contains("validation accuracy 75.00", lines[1]);
        Assert.EndsWith("error: out of memory", lines[2]);
        Assert.EndsWith("status failed: out of memory", lines[3]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ ", lines[0]);
    }

    [Fact]
    public void Tail_is_null_without_a_log_and_keeps_only_the_last_whole_lines()
    {
        using var folder = new TempFolder();
        Assert.Null(RunLog.Tail(folder.Path));
        Assert.Null(RunLog.Tail(null));

        var log = new RunLog(folder.Path, NullLogger.Instance);
        for (int i = 1; i <= 500; i++) log.Write($"line {i}");

        var last = RunLog.Tail(folder.Path, lines: 3)!;
        Assert.Equal(["line 498", "line 499", "line 500"], last.Select(l => l[21..]));

        var window = RunLog.Tail(folder.Path, lines: 1000, maxBytes: 100)!; // starts mid-line: the partial line is dropped
        Assert.All(window, l => Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ line \d+$", l));
        Assert.Equal("line 500", window[^1][21..]);
    }
}
