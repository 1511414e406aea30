using System.Text.Json;
using RobustLab.Tests.Loop;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using Xunit;

namespace RobustLab.Tests.Cli;

/// <summary>
/// <c>train --out</c>: a run there is resumed or reported only when its configuration is this command's; any other is
/// refused naming --out and --overwrite; a folder that cannot hold a run is named with the problem, never a raw .NET
/// message; a run whose loss diverges fails with one line naming the epoch and batch.
/// </summary>
[Collection(GlobalTorchRngCollection.Name)]
public sealed class TrainOutFolderTests
{
    static readonly string[] Tiny =
        ["train", "--dataset", "fashion-mnist", "--train-subset", "200", "--test-subset", "50", "--epochs", "1", "--batch-size", "50", "--json"];

    static CliRun Train(string runDir, params string[] more) => CliRun.Of([.. Tiny, "--out", runDir, .. more]);

    static string OneErrorLine(CliRun run, int exitCode)
    {
        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: ", line);
        Assert.DoesNotContain("   at ", run.Stderr);
        return line;
    }

    /// <summary>Trains for real twice (seconds each): needs Fashion-MNIST from the setup script.</summary>
    [Fact]
    public void A_finished_run_of_another_configuration_is_refused_kept_and_replaced_only_with_overwrite_and_the_same_one_is_reported()
    {
        Assert.True(new DatasetCatalog().Describe("fashion-mnist").Found, "Fashion-MNIST is missing: run scripts/setup.sh.");
        using var temp = new TempFolder();
        string runDir = temp.Sub("run");
        var first = Train(runDir, "--seed", "1");
        Assert.True(first.ExitCode == 0, first.Stderr);
        string runJson = File.ReadAllText(Path.Combine(runDir, RunFolder.RunJsonFile));
        var weightsWritten = File.GetLastWriteTimeUtc(Path.Combine(runDir, RunFolder.ModelDatFile));

        // The same command again: nothing is trained; the finished run's results are printed as the first time.
        var again = Train(runDir, "--seed", "1");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(JsonDocument.Parse(first.Stdout).RootElement.GetProperty("testAccuracy").GetDouble(),
            JsonDocument.Parse(again.Stdout).RootElement.GetProperty("testAccuracy").GetDouble());
        Assert.Equal(weightsWritten, File.GetLastWriteTimeUtc(Path.Combine(runDir, RunFolder.ModelDatFile)));

        // Another configuration: refused, naming --out, the field that differs and how to overwrite; the run stays.
        string line = OneErrorLine(Train(runDir, "--seed", "2"), 2);
        foreach (string mention in new[] { "--out", runDir, "finished", "seed 1 there, 2 here", "--overwrite" }) Assert.Contains(mention, line);
        Assert.Equal(runJson, File.ReadAllText(Path.Combine(runDir, RunFolder.RunJsonFile)));

        var replaced = Train(runDir, "--seed", "2", "--overwrite");
        Assert.True(replaced.ExitCode == 0, replaced.Stderr);
        Assert.Equal(2, RunFolder.ReadRunJson(runDir).Config.Seed);
    }

    [Fact]
    public void An_unfinished_run_of_another_configuration_is_refused_naming_out()
    {
        using var temp = new TempFolder();
        string runDir = temp.Sub("run");
        string stateDir = Path.Combine(runDir, RunPipeline.StateFolder);
        Directory.CreateDirectory(stateDir);
        var other = new TrainingOptions { Dataset = "fashion-mnist", TrainSubset = 200, TestSubset = 50, Epochs = 3, BatchSize = 50 };
        new ResumeState(1, PlateauSchedule.Start(1e-4), 1, [], other).Write(stateDir);

        string line = OneErrorLine(Train(runDir), 2);
        foreach (string mention in new[] { "--out", "unfinished", "epochs 3 there, 1 here", "--overwrite" }) Assert.Contains(mention, line);
        Assert.True(File.Exists(Path.Combine(stateDir, ResumeState.FileName)));
    }

    [Fact]
    public void Out_pointing_at_a_file_is_refused_naming_out()
    {
        using var temp = new TempFolder();
        string file = temp.Sub("notes.txt");
        File.WriteAllText(file, "mine");
        string line = OneErrorLine(Train(file), 2);
        Assert.Contains("--out", line);
        Assert.Contains("is a file", line);
        Assert.Equal("mine", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("/proc/robustlab-run")]
    [InlineData("/dev/null/run")]
    public void Out_where_no_folder_can_be_written_is_refused_naming_out(string path)
    {
        string line = OneErrorLine(Train(path), 2);
        Assert.Contains("--out", line);
        Assert.Contains($"cannot write the run folder {path}", line);
    }

    /// <summary>A run whose loss becomes NaN within a few batches (seconds): it fails instead of reporting metrics.</summary>
    [Fact]
    public void A_run_whose_loss_diverges_exits_1_with_one_line_naming_the_epoch_and_batch()
    {
        using var temp = new TempFolder();
        DivergingRun.WriteData(temp.Sub("data"));
        string runDir = temp.Sub("run");
        string line = OneErrorLine(CliRun.Of([.. DivergingRun.CliArgs, "--data-root", temp.Sub("data"), "--out", runDir]), 1);
        Assert.Matches($@"^error: training diverged: the loss became (NaN|infinite) at epoch 1, batch \d+ of {DivergingRun.Batches}; lower the learning rate", line);
        // No weights and no metrics as if it had trained.
        Assert.False(File.Exists(Path.Combine(runDir, RunFolder.ModelDatFile)));
        Assert.True(!File.Exists(Path.Combine(runDir, RunFolder.RunJsonFile)) || RunFolder.ReadRunJson(runDir).Metrics is null);
    }
}
