using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Runs;

public sealed class RunConfigKeyTests
{
    static readonly TrainingOptions Reg = new() { Dataset = "mnist10k", Method = TrainingMethod.Regularizer, Sigma = 0.5, Alpha = 1, Seed = 3 };

    [Fact]
    public void ConfigKey_ignores_the_device()
    {
        Assert.Equal(RunConfigKey.For(Reg), RunConfigKey.For(Reg with { Device = "cuda:1" }));
    }

    [Fact]
    public void ConfigKey_treats_an_omitted_setting_like_the_protocol_value()
    {
        var p = Protocol.For("lenet");
        Assert.Equal(RunConfigKey.For(Reg), RunConfigKey.For(Reg with { Epochs = p.Epochs, BatchSize = p.BatchSize, LearningRate = p.LearningRate }));
        Assert.NotEqual(RunConfigKey.For(Reg), RunConfigKey.For(Reg with { Model = "alexnet" }));
    }

    [Fact]
    public void ConfigKey_changes_with_every_setting_that_changes_the_result()
    {
        TrainingOptions[] variants =
        [
            Reg with { Dataset = "fashion-mnist" }, Reg with { Sigma = 0.25 }, Reg with { Alpha = 2 }, Reg with { Seed = 4 },
            Reg with { Epochs = 5 }, Reg with { TrainSubset = 100 }, Reg with { TestSubset = 100 }, Reg with { BatchSize = 10 },
            Reg with { LearningRate = 0.01 }, Reg with { Method = TrainingMethod.Augmentation, Copies = 2 }, Reg with { PlateauPatience = 9 },
        ];
        var keys = variants.Select(RunConfigKey.For).Append(RunConfigKey.For(Reg)).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void ConfigKey_ignores_parameters_the_method_does_not_use()
    {
        Assert.Equal(RunConfigKey.For(Reg), RunConfigKey.For(Reg with { Copies = 6 }));
        var aug = Reg with { Method = TrainingMethod.Augmentation, Copies = 2 };
        Assert.Equal(RunConfigKey.For(aug), RunConfigKey.For(aug with { Alpha = 7 }));
    }

    [Fact]
    public void ConfigKey_does_not_depend_on_the_culture()
    {
        var before = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            string invariant = RunConfigKey.For(Reg);
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal(invariant, RunConfigKey.For(Reg));
            Assert.Contains("sigma=0.5;", invariant);
        }
        finally { System.Globalization.CultureInfo.CurrentCulture = before; }
    }

    [Fact]
    public void ConfigKey_of_a_run_without_attacks_does_not_mention_them_so_existing_keys_stay_the_same()
    {
        string key = RunConfigKey.For(Reg);

        Assert.DoesNotContain("attack", key);
        Assert.EndsWith(";earlyStop=" + Protocol.For("lenet").EarlyStopPatience, key);
        // The sample count means nothing without attacks.
        Assert.Equal(key, RunConfigKey.For(Reg with { AttackSamples = 500 }));
    }

    [Fact]
    public void ConfigKey_of_a_run_with_attacks_differs_from_the_same_run_without_so_it_is_never_reused_from_one()
    {
        var attacked = Reg with { Attacks = ["fgsm", "pgd"] };

        Assert.NotEqual(RunConfigKey.For(Reg), RunConfigKey.For(attacked));
        Assert.EndsWith(";attacks=pgd,fgsm;attackSamples=100", RunConfigKey.For(attacked));
        Assert.NotEqual(RunConfigKey.For(attacked), RunConfigKey.For(attacked with { AttackSamples = 50 }));
        Assert.NotEqual(RunConfigKey.For(attacked), RunConfigKey.For(attacked with { Attacks = ["fgsm"] }));
    }

    [Fact]
    public void ConfigKey_lists_attacks_in_table_1_order_whatever_order_they_were_asked_in()
    {
        Assert.Equal(RunConfigKey.For(Reg with { Attacks = ["fgsm", "pgd", "saltpepper"] }),
            RunConfigKey.For(Reg with { Attacks = ["saltpepper", "pgd", "fgsm"] }));
    }

    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData("CUDA", "cuda0")]
    [InlineData("cuda:0", "cuda0")]
    [InlineData("cuda:3", "cuda3")]
    [InlineData(" cuda:12 ", "cuda12")]
    public void Device_maps_to_its_queue(string device, string queue) => Assert.Equal(queue, DeviceQueues.QueueFor(device));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("")]
    public void Unknown_devices_have_no_queue(string device)
    {
        Assert.False(DeviceQueues.TryQueueFor(device, out _));
        Assert.StartsWith("device:", Assert.Throws<ArgumentException>(() => DeviceQueues.QueueFor(device)).Message);
    }
}
