using System.Text.Json;
using RobustLab.Training.Certification;
using RobustLab.Training.Data;
using RobustLab.Tests.Loop;
using Xunit;

namespace RobustLab.Tests.Cli;

/// <summary>Two tiny trained runs (a regularizer at sigma 0.25 and a baseline), shared by the certify tests.</summary>
public sealed class TinyRuns : IDisposable
{
    readonly TempFolder _temp = new();

    public TinyRuns()
    {
        Assert.True(new DatasetCatalog().Describe("fashion-mnist").Found,
            "Fashion-MNIST is missing: run scripts/setup.sh (it runs `apt-get install dataset-fashion-mnist`).");
        Regularizer = Train("regularizer", "--method", "regularizer", "--sigma", "0.25", "--alpha", "1");
        Baseline = Train("baseline", "--method", "baseline");
    }

    public string Regularizer { get; }
    public string Baseline { get; }

    string Train(string name, params string[] method)
    {
        string dir = _temp.Sub(name);
        var run = CliRun.Of(["train", "--dataset", "fashion-mnist", "--model", "lenet", .. method, "--train-subset", "600",
            "--test-subset", "100", "--epochs", "1", "--batch-size", "100", "--lr", "0.001", "--out", dir]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return dir;
    }

    public void Dispose() => _temp.Dispose();
}

/// <summary><c>robustlab certify</c> and <c>eval --certify</c> on tiny trained runs, with few samples so they stay fast.</summary>
public sealed class CertifyCommandTests(TinyRuns runs) : IClassFixture<TinyRuns>
{
    static readonly string[] Small = ["--n0", "10", "--n", "100", "--images", "10", "--vote-samples", "5"];

    [Fact]
    public void Certify_json_defaults_to_the_training_sigma_and_writes_the_rows_to_a_csv_that_round_trips()
    {
        var run = CliRun.Of(["certify", "--checkpoint", runs.Regularizer, .. Small, "--json"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal("fashion-mnist", root.GetProperty("dataset").GetString());
        Assert.Equal(0.25, root.GetProperty("trainingSigma").GetDouble());
        var certification = Assert.Single(root.GetProperty("certifications").EnumerateArray());
        Assert.Equal(0.25, certification.GetProperty("sigma").GetDouble());
        Assert.Equal(1000, certification.GetProperty("every").GetInt32());
        var summary = certification.GetProperty("summary");
        Assert.Equal(151, summary.GetProperty("curve").GetArrayLength());
        Assert.Equal(CertificationSummary.FixedRadii, summary.GetProperty("atRadii").EnumerateArray().Select(p => p.GetProperty("radius").GetDouble()));
        Assert.InRange(summary.GetProperty("averageCertifiedRadius").GetDouble(), 0, 10);
        Assert.InRange(summary.GetProperty("certifiedAuc").GetDouble(), 0, 1.5);
        Assert.InRange(summary.GetProperty("abstainRate").GetDouble(), 0, 1);
        Assert.InRange(certification.GetProperty("majorityVote").GetProperty("robustness").GetDouble(), 0, 1);
        Assert.True(certification.GetProperty("samplesPerSecond").GetDouble() > 0);
        Assert.Equal(30, root.GetProperty("majorityVoteCurve").GetArrayLength());

        var rows = certification.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 1000), rows.Select(r => r.GetProperty("index").GetInt32()));
        string csv = certification.GetProperty("csv").GetString()!;
        Assert.Equal(Path.Combine(runs.Regularizer, "certify-0.25.csv"), csv);
        var fromCsv = CertificationCsv.ReadFile(csv);
        Assert.Equal(rows.Select(r => (r.GetProperty("prediction").GetInt32(), r.GetProperty("radius").GetDouble(), r.GetProperty("correct").GetBoolean())),
            fromCsv.Select(r => (r.Prediction, r.Radius, r.Correct)));

        var again = CliRun.Of(["certify", "--checkpoint", runs.Regularizer, .. Small, "--json"]);
        Assert.Equal(rows.Select(r => r.GetProperty("radius").GetDouble()),
            JsonDocument.Parse(again.Stdout).RootElement.GetProperty("certifications")[0].GetProperty("rows").EnumerateArray()
                .Select(r => r.GetProperty("radius").GetDouble()));
    }

    [Fact]
    public void Several_sigmas_come_as_a_list_or_repeated_and_a_baseline_needs_one()
    {
        var list = CliRun.Of(["certify", "--checkpoint", runs.Baseline, "--sigma", "0.12,0.5", .. Small, "--json"]);
        Assert.True(list.ExitCode == 0, list.Stderr);
        var sigmas = JsonDocument.Parse(list.Stdout).RootElement.GetProperty("certifications").EnumerateArray()
            .Select(c => c.GetProperty("sigma").GetDouble());
        Assert.Equal([0.12, 0.5], sigmas);
        Assert.True(File.Exists(Path.Combine(runs.Baseline, "certify-0.12.csv")));

        var repeated = CliRun.Of(["certify", "--checkpoint", runs.Baseline, "--sigma", "0.12", "--sigma", "0.5", .. Small]);
        Assert.True(repeated.ExitCode == 0, repeated.Stderr);
        Assert.Contains("sigma 0.12", repeated.Stdout);
        Assert.Contains("sigma 0.5", repeated.Stdout);
        Assert.Contains("certified accuracy  r=0:", repeated.Stdout);

        var missing = CliRun.Of(["certify", "--checkpoint", runs.Baseline, .. Small]);
        Assert.Equal(2, missing.ExitCode);
        var line = Assert.Single(missing.StderrLines);
        Assert.StartsWith("error: --sigma:", line);
        Assert.Contains("trained without noise", line);
    }

    [Fact]
    public void Eval_with_certify_adds_the_certification_beside_accuracy_and_gnr()
    {
        var run = CliRun.Of(["eval", "--checkpoint", runs.Baseline, "--test-subset", "50", "--certify", "0.25", .. Small, "--json"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var root = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.InRange(root.GetProperty("testAccuracy").GetDouble(), 0, 1);
        Assert.True(root.TryGetProperty("gnr", out _));
        var certification = Assert.Single(root.GetProperty("certification").GetProperty("certifications").EnumerateArray());
        Assert.Equal(0.25, certification.GetProperty("sigma").GetDouble());
        Assert.Equal(10, certification.GetProperty("rows").GetArrayLength());
        Assert.Equal(100, certification.GetProperty("n").GetInt32());

        var baseline = CliRun.Of(["eval", "--checkpoint", runs.Baseline, "--certify", .. Small]);
        Assert.Equal(2, baseline.ExitCode);
        Assert.StartsWith("error: --certify:", Assert.Single(baseline.StderrLines));
    }
}

/// <summary>Bad certify command lines exit 2 with one line naming the option, before any work.</summary>
public sealed class CertifyUsageErrorTests
{
    static void AssertUsageError(string[] args, params string[] mentions)
    {
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: ", line);
        foreach (string m in mentions) Assert.Contains(m, line);
    }

    [Theory]
    [InlineData("--sigma", "-1", "--sigma: '-1'")]
    [InlineData("--sigma", "0.25,abc", "--sigma: 'abc'")]
    [InlineData("--alpha", "1.5", "--alpha: alpha must be in (0, 1)")]
    [InlineData("--n", "0", "--n: n must be in")]
    [InlineData("--n0", "0", "--n0: n0 must be in")]
    [InlineData("--images", "0", "--images: images must be >= 1")]
    [InlineData("--batch", "0", "--batch: batch size must be >= 1")]
    [InlineData("--vote-samples", "0", "--vote-samples:")]
    [InlineData("--n", "many", "--n must be an integer")]
    public void Certify_with_a_bad_value_exits_2_naming_the_option(string option, string value, string mention) =>
        AssertUsageError(["certify", "--checkpoint", "no-such-run", option, value], mention);

    [Fact]
    public void Certify_with_images_and_every_exits_2_naming_both() =>
        AssertUsageError(["certify", "--checkpoint", "no-such-run", "--images", "10", "--every", "2"], "--images", "--every");

    [Fact]
    public void Eval_with_certify_sizing_but_no_certify_exits_2_naming_both() =>
        AssertUsageError(["eval", "--checkpoint", "no-such-run", "--n", "100"], "--n", "--certify");

    [Fact]
    public void Certify_of_a_missing_checkpoint_exits_1_naming_the_folder()
    {
        var run = CliRun.Of("certify", "--checkpoint", "no-such-run", "--sigma", "0.25");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no-such-run", Assert.Single(run.StderrLines));
    }
}
