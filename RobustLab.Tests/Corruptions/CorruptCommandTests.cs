using System.Text.Json;
using RobustLab.Tests.Cli;
using RobustLab.Tests.Loop;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Data;

namespace RobustLab.Tests.Corruptions;

/// <summary>
/// `robustlab corrupt` and `eval --corruptions` on a tiny run trained from the command line (a few seconds; needs
/// Fashion-MNIST from the setup script), and their usage errors.
/// </summary>
public sealed class CorruptCommandTests
{
    static string TrainTinyRun(TempFolder temp, string name, int seed = 0)
    {
        Assert.True(new DatasetCatalog().Describe("fashion-mnist").Found,
            "Fashion-MNIST is missing: run scripts/setup.sh (it runs `apt-get install dataset-fashion-mnist`).");
        string runDir = temp.Sub(name);
        var train = CliRun.Of("train", "--dataset", "fashion-mnist", "--train-subset", "600", "--test-subset", "200", "--epochs", "1",
            "--batch-size", "100", "--lr", "0.001", "--seed", seed.ToString(), "--out", runDir);
        Assert.True(train.ExitCode == 0, train.Stderr);
        return runDir;
    }

    [Fact]
    public void Corrupt_json_reports_every_corruption_and_severity_asked_for_with_calibration_and_mce_against_a_baseline()
    {
        using var temp = new TempFolder();
        string model = TrainTinyRun(temp, "model", seed: 0);
        string baseline = TrainTinyRun(temp, "baseline", seed: 1);

        var run = CliRun.Of("corrupt", "--checkpoint", model, "--corruptions", "gaussian_noise,rotate,contrast", "--severities", "1,5",
            "--test-subset", "100", "--baseline", baseline, "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal(Path.GetFullPath(model), root.GetProperty("checkpoint").GetString());
        Assert.Equal(100, root.GetProperty("images").GetInt32());
        Assert.Equal([1, 5], root.GetProperty("severities").EnumerateArray().Select(s => s.GetInt32()));
        double clean = root.GetProperty("cleanAccuracy").GetDouble();
        Assert.InRange(clean, 0.2, 1); // one epoch on 600 images is well above chance (0.1)
        var cleanCalibration = root.GetProperty("clean");
        Assert.InRange(cleanCalibration.GetProperty("ece").GetDouble(), 0, 1);
        Assert.True(cleanCalibration.GetProperty("nll").GetDouble() > 0);
        Assert.Equal(100, cleanCalibration.GetProperty("bins").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));

        var rows = root.GetProperty("corruptions").EnumerateArray().ToList();
        Assert.Equal(["gaussian_noise", "rotate", "contrast"], rows.Select(r => r.GetProperty("corruption").GetString()));
        Assert.Equal(["noise", "geometric", "digital"], rows.Select(r => r.GetProperty("family").GetString()));
        var accuracies = new List<double>();
        foreach (var row in rows)
        {
            var severities = row.GetProperty("severities").EnumerateArray().ToList();
            Assert.Equal([1, 5], severities.Select(s => s.GetProperty("severity").GetInt32()));
            foreach (var s in severities)
            {
                accuracies.Add(s.GetProperty("accuracy").GetDouble());
                Assert.InRange(s.GetProperty("ece").GetDouble(), 0, 1);
                Assert.True(s.GetProperty("nll").GetDouble() > 0);
                // Reliability diagrams for the noise corruptions only.
                Assert.Equal(row.GetProperty("family").GetString() == "noise" ? 15 : 0, s.GetProperty("reliability").GetArrayLength());
            }
        }
        Assert.Equal(accuracies.Average(), root.GetProperty("meanCorruptionAccuracy").GetDouble(), 9);
        // Rotating by a whole radian costs a one-epoch LeNet accuracy.
        Assert.True(accuracies[3] < clean, $"rotate s5 {accuracies[3]} vs clean {clean}");

        var errors = root.GetProperty("errors");
        Assert.Equal(Path.GetFullPath(baseline), errors.GetProperty("baseline").GetString());
        var ce = errors.GetProperty("perCorruption").EnumerateArray().Select(r => r.GetProperty("ce").GetDouble()).ToList();
        Assert.Equal(3, ce.Count);
        Assert.Equal(ce.Average(), errors.GetProperty("mce").GetDouble(), 9);

        // The same seed replays the same figures; the text form prints the table.
        var again = CliRun.Of("corrupt", "--checkpoint", model, "--corruptions", "gaussian_noise,rotate,contrast", "--severities", "1,5",
            "--test-subset", "100");
        Assert.True(again.ExitCode == 0, again.Stderr);
        var line = again.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith("gaussian_noise "));
        Assert.Contains(rows[0].GetProperty("severities")[0].GetProperty("accuracy").GetDouble().ToString("0.0000"), line);
        Assert.Contains("mean corruption accuracy", again.Stdout);
    }

    [Fact]
    public void Eval_with_corruptions_adds_the_report_on_the_same_images_as_accuracy()
    {
        using var temp = new TempFolder();
        string model = TrainTinyRun(temp, "model");
        var run = CliRun.Of("eval", "--checkpoint", model, "--test-subset", "100", "--corruptions", "shot_noise,pixelate", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        var report = root.GetProperty("corruptions");
        Assert.Equal(root.GetProperty("testAccuracy").GetDouble(), report.GetProperty("cleanAccuracy").GetDouble(), 12);
        Assert.Equal(root.GetProperty("seed").GetInt32(), report.GetProperty("seed").GetInt32());
        Assert.Equal(["shot_noise", "pixelate"], report.GetProperty("corruptions").EnumerateArray().Select(r => r.GetProperty("corruption").GetString()));
        Assert.Equal(5, report.GetProperty("corruptions")[0].GetProperty("severities").GetArrayLength());
        Assert.True(root.TryGetProperty("gnr", out _));
    }

    static void AssertUsageError(CliRun run, string option, string mention)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(option, line);
        Assert.Contains(mention, line);
    }

    [Fact]
    public void Bad_corrupt_options_exit_2_with_one_line_naming_the_option()
    {
        AssertUsageError(CliRun.Of("corrupt", "--checkpoint", "unused", "--corruptions", "rotate,fog"), "--corruptions", "'fog'");
        AssertUsageError(CliRun.Of("corrupt", "--checkpoint", "unused", "--severities", "0-7"), "--severities", "'0-7'");
        AssertUsageError(CliRun.Of("corrupt", "--checkpoint", "unused", "--severities", "two"), "--severities", "'two'");
        AssertUsageError(CliRun.Of("corrupt", "--checkpoint", "unused", "--test-subset", "0"), "--test-subset", "(got 0)");
        AssertUsageError(CliRun.Of("corrupt", "--checkpoint", "unused", "--seed", "x"), "--seed", "'x'");
        AssertUsageError(CliRun.Of("corrupt", "--checkpoint", "unused", "--device", "tpu"), "--device", "'tpu'");
        AssertUsageError(CliRun.Of("corrupt"), "--checkpoint", "");
        AssertUsageError(CliRun.Of("eval", "--checkpoint", "unused", "--corruptions", "snow"), "--corruptions", "'snow'");
    }

    [Fact]
    public void Corrupt_of_a_missing_checkpoint_exits_1_naming_it()
    {
        using var temp = new TempFolder();
        string missing = Path.Combine(temp.Path, "nope");
        var run = CliRun.Of("corrupt", "--checkpoint", missing);
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("--checkpoint", line);
        Assert.Contains(missing, line);
    }

    [Fact]
    public void Catalogue_names_in_the_help_text()
    {
        var run = CliRun.Of("corrupt", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.All(CorruptionCatalog.Names, name => Assert.Contains(name, run.Stdout));
    }
}
