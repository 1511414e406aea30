using RobustLab.Training.Loop;
using RobustLab.Tests.Loop;
using Xunit;

namespace RobustLab.Tests.Cli;

/// <summary>Bad command lines end with exit code 2 and one "error: ..." line naming the problem, never a stack trace.</summary>
public sealed class CliUsageErrorTests
{
    static void AssertOneErrorLine(CliRun run, int exitCode, params string[] mentions)
    {
        Assert.Equal(exitCode, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: ", line);
        Assert.DoesNotContain("   at ", run.Stderr);
        foreach (string m in mentions) Assert.Contains(m, line);
    }

    [Fact]
    public void Train_on_an_unknown_dataset_exits_2_naming_it() =>
        AssertOneErrorLine(CliRun.Of("train", "--dataset", "imagenet", "--out", "unused"), 2, "--dataset", "'imagenet'", "fashion-mnist");

    [Fact]
    public void Train_with_a_negative_sigma_exits_2_naming_sigma() =>
        AssertOneErrorLine(CliRun.Of("train", "--dataset", "fashion-mnist", "--sigma", "-1", "--out", "unused"), 2,
            "--sigma must be a number in [0, 100] (got -1).");

    [Fact]
    public void Train_with_an_absurd_sigma_exits_2_with_the_same_range_as_the_api() =>
        AssertOneErrorLine(CliRun.Of("train", "--dataset", "fashion-mnist", "--method", "regularizer", "--sigma", "1e308",
            "--alpha", "1", "--out", "unused"), 2, $"--sigma must be a number in [0, {TrainingLimits.MaxSigma}] (got 1E+308).");

    [Fact]
    public void Train_with_a_NaN_alpha_exits_2_naming_alpha() =>
        AssertOneErrorLine(CliRun.Of("train", "--dataset", "fashion-mnist", "--method", "regularizer", "--sigma", "0.5",
            "--alpha", "NaN", "--out", "unused"), 2, "--alpha");

    [Fact]
    public void Train_with_negative_copies_exits_2_naming_copies() =>
        AssertOneErrorLine(CliRun.Of("train", "--dataset", "fashion-mnist", "--copies", "-3", "--out", "unused"), 2, "--copies");

    [Fact]
    public void Train_with_zero_epochs_exits_2_naming_epochs() =>
        AssertOneErrorLine(CliRun.Of("train", "--dataset", "fashion-mnist", "--epochs", "0", "--out", "unused"), 2,
            $"--epochs must be a whole number in [1, {TrainingLimits.MaxEpochs}] (got 0).");

    [Fact]
    public void Train_with_an_unknown_model_exits_2_naming_it() =>
        AssertOneErrorLine(CliRun.Of("train", "--dataset", "fashion-mnist", "--model", "resnet", "--out", "unused"), 2,
            "--model", "'resnet'", "lenet");

    [Fact]
    public void Train_with_an_unknown_method_exits_2_naming_it() =>
        AssertOneErrorLine(CliRun.Of("train", "--dataset", "fashion-mnist", "--method", "dropout", "--out", "unused"), 2,
            "--method", "'dropout'");

    [Fact]
    public void A_number_option_that_is_not_a_number_exits_2_naming_it() =>
        AssertOneErrorLine(CliRun.Of("train", "--dataset", "fashion-mnist", "--lr", "fast", "--out", "unused"), 2, "--lr", "'fast'");

    [Fact]
    public void Train_without_out_exits_2_naming_it() =>
        AssertOneErrorLine(CliRun.Of("train", "--dataset", "fashion-mnist"), 2, "--out");

    [Fact]
    public void An_unknown_verb_exits_2_naming_it() =>
        AssertOneErrorLine(CliRun.Of("fit", "--dataset", "fashion-mnist"), 2, "'fit'");

    [Fact]
    public void Train_on_a_data_set_that_is_not_installed_exits_1_saying_how_to_get_it()
    {
        string emptyRoot = Path.Combine(Path.GetTempPath(), "robustlab-empty-" + Guid.NewGuid().ToString("N"));
        AssertOneErrorLine(CliRun.Of("train", "--dataset", "cifar10", "--model", "alexnet", "--out", "unused", "--data-root", emptyRoot), 1,
            "cifar10", "To get it");
    }

    [Fact]
    public void Eval_of_a_missing_checkpoint_exits_1_naming_the_folder()
    {
        string missing = Path.Combine(Path.GetTempPath(), "robustlab-missing-" + Guid.NewGuid().ToString("N"));
        AssertOneErrorLine(CliRun.Of("eval", "--checkpoint", missing, "--dataset", "fashion-mnist"), 1, "--checkpoint", missing);
    }

    [Fact]
    public void Eval_of_a_folder_without_run_json_exits_1()
    {
        using var folder = new RobustLab.Tests.Loop.TempFolder();
        AssertOneErrorLine(CliRun.Of("eval", "--checkpoint", folder.Path), 1, "run.json");
    }

    [Fact]
    public void A_device_that_is_not_cpu_or_cuda_exits_2_naming_it() =>
        AssertOneErrorLine(CliRun.Of("train", "--dataset", "fashion-mnist", "--device", "gpu", "--out", "unused"), 2, "--device", "'gpu'");

    [Fact]
    public void Bench_with_zero_steps_exits_2() =>
        AssertOneErrorLine(CliRun.Of("bench", "--steps", "0"), 2, "--steps");

    [Fact]
    public void Eval_with_an_unknown_attack_exits_2_naming_it() =>
        AssertOneErrorLine(CliRun.Of("eval", "--checkpoint", "unused", "--attacks", "fgsm,cw"), 2, "--attacks", "'cw'", "deepfool");

    [Fact]
    public void Eval_with_samples_but_no_attacks_exits_2_naming_both() =>
        AssertOneErrorLine(CliRun.Of("eval", "--checkpoint", "unused", "--samples", "10"), 2, "--samples", "--attacks");

    [Fact]
    public void Eval_with_zero_samples_exits_2_naming_samples() =>
        AssertOneErrorLine(CliRun.Of("eval", "--checkpoint", "unused", "--attacks", "all", "--samples", "0"), 2, "--samples must be in [1, 10000] (got 0).");

    [Fact]
    public void Train_with_an_unknown_attack_exits_2_naming_it() =>
        AssertOneErrorLine(CliRun.Of("train", "--dataset", "fashion-mnist", "--attacks", "pgd,nope", "--out", "unused"), 2, "--attacks", "'nope'");
}
