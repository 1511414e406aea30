using System.Text.Json;
using RobustLab.Training.Data;
using RobustLab.Tests.Loop;
using Xunit;

namespace RobustLab.Tests.Cli;

/// <summary>--json prints exactly one JSON object on stdout with the documented camelCase fields.</summary>
public sealed class CliJsonOutputTests
{
    [Fact]
    public void Datasets_json_is_one_object_listing_all_five_data_sets()
    {
        var run = CliRun.Of("datasets", "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var entries = json.RootElement.GetProperty("datasets").EnumerateArray().ToList();
        Assert.Equal(DatasetCatalog.Names, entries.Select(e => e.GetProperty("name").GetString()));
        foreach (var e in entries)
        {
            Assert.Equal(3, e.GetProperty("shape").GetArrayLength());
            Assert.True(e.GetProperty("classes").GetInt32() >= 10);
            Assert.True(e.GetProperty("found").ValueKind is JsonValueKind.True or JsonValueKind.False);
            Assert.False(string.IsNullOrEmpty(e.GetProperty("location").GetString()));
            Assert.False(string.IsNullOrEmpty(e.GetProperty("howToGet").GetString()));
        }
    }

    [Fact]
    public void Datasets_without_json_prints_a_table_with_a_row_per_data_set()
    {
        var run = CliRun.Of("datasets");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("name", lines[0]);
        Assert.All(DatasetCatalog.Names, name => Assert.Contains(lines, l => l.StartsWith(name + " ")));
    }

    /// <summary>Trains for real (about five seconds): needs Fashion-MNIST from the setup script.</summary>
    [Fact]
    public void Train_json_on_a_tiny_run_prints_one_object_with_the_metrics_and_writes_the_run_folder()
    {
        Assert.True(new DatasetCatalog().Describe("fashion-mnist").Found,
            "Fashion-MNIST is missing: run scripts/setup.sh (it runs `apt-get install dataset-fashion-mnist`).");
        using var temp = new TempFolder();
        string runDir = temp.Sub("run");

        var run = CliRun.Of("train", "--dataset", "fashion-mnist", "--model", "lenet", "--method", "regularizer",
            "--sigma", "0.25", "--alpha", "1", "--train-subset", "600", "--test-subset", "200", "--epochs", "1",
            "--batch-size", "100", "--lr", "0.001", "--out", runDir, "--json");

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout); // throws if stdout holds anything but one JSON value
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.InRange(root.GetProperty("testAccuracy").GetDouble(), 0, 1);
        Assert.InRange(root.GetProperty("gnr").GetDouble(), 0, 1);
        Assert.InRange(root.GetProperty("gnrMean").GetDouble(), 0, 1);
        var curve = root.GetProperty("gnrCurve").EnumerateArray().ToList();
        Assert.Equal(30, curve.Count);
        Assert.Equal(0, curve[0].GetProperty("sigma").GetDouble());
        Assert.Equal(0.5, curve[^1].GetProperty("sigma").GetDouble(), 6);
        Assert.All(curve, p => Assert.InRange(p.GetProperty("consistency").GetDouble(), 0, 1));
        Assert.InRange(root.GetProperty("momentAccuracy").GetDouble(), 0, 1);
        Assert.True(root.GetProperty("momentGap").GetDouble() >= 0);
        Assert.Equal(0.25, root.GetProperty("momentSigma").GetDouble());
        var epoch = Assert.Single(root.GetProperty("epochs").EnumerateArray());
        Assert.Equal(1, epoch.GetProperty("epoch").GetInt32());
        Assert.True(epoch.TryGetProperty("trainLoss", out _));
        Assert.Equal(Path.GetFullPath(runDir), root.GetProperty("runDir").GetString());
        Assert.True(root.GetProperty("secondsPerEpoch").GetDouble() > 0);
        foreach (string file in new[] { "model.dat", "model.safetensors", "run.json" })
            Assert.True(File.Exists(Path.Combine(runDir, file)), file);
    }

    /// <summary>
    /// Trains a tiny run, then attacks it from the command line (about ten seconds). The evaluation uses the run's 200 test
    /// images: without --test-subset, eval measures all 10,000 (accuracy, GNR, moment gap), which took minutes.
    /// </summary>
    [Fact]
    public void Eval_with_attacks_adds_an_attacks_object_with_table_1_columns_per_attack()
    {
        using var temp = new TempFolder();
        string runDir = temp.Sub("run");
        var train = CliRun.Of("train", "--dataset", "fashion-mnist", "--train-subset", "600", "--test-subset", "200", "--epochs", "1",
            "--batch-size", "100", "--lr", "0.001", "--out", runDir);
        Assert.True(train.ExitCode == 0, train.Stderr);

        var run = CliRun.Of("eval", "--checkpoint", runDir, "--test-subset", "200", "--attacks", "fgsm,deepfool", "--samples", "10", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var attacks = json.RootElement.GetProperty("attacks");
        Assert.Equal(10, attacks.GetProperty("samples").GetInt32());
        int attacked = attacks.GetProperty("attacked").GetInt32();
        Assert.InRange(attacked, 1, 10);
        var rows = attacks.GetProperty("attacks").EnumerateArray().ToList();
        Assert.Equal(["fgsm", "deepfool"], rows.Select(r => r.GetProperty("attack").GetString()));
        foreach (var row in rows)
        {
            Assert.Equal(attacked, row.GetProperty("attacked").GetInt32());
            Assert.InRange(row.GetProperty("successRate").GetDouble(), 0, 1);
            foreach (string distance in new[] { "l2", "linf", "mse" })
            {
                Assert.True(row.GetProperty(distance).GetProperty("median").GetDouble() > 0, $"{row} {distance}");
                Assert.True(row.GetProperty(distance).GetProperty("mean").GetDouble() > 0, $"{row} {distance}");
            }
            Assert.True(row.GetProperty("seconds").GetDouble() >= 0);
        }

        var text = CliRun.Of("eval", "--checkpoint", runDir, "--test-subset", "200", "--attacks", "fgsm", "--samples", "10");
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains("median L2", text.Stdout);
        Assert.Contains(text.Stdout.Split('\n'), line => line.TrimStart().StartsWith("fgsm "));
    }
}
