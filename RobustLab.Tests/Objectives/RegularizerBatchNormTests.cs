using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Training.Models;
using RobustLab.Training.Moments;
using RobustLab.Training.Objectives;
using RobustLab.Training.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobustLab.Tests.Objectives;

/// <summary>
/// The regulariser on networks with batch normalisation inside Omega (docs/method.md, section "Batch normalisation inside
/// Omega"): the clean path is the baseline's forward pass, running statistics included, and the mean path moves none.
/// </summary>
public class RegularizerBatchNormTests
{
    public RegularizerBatchNormTests() => TorchRuntime.EnsureLoaded();

    static SplitNetwork Create(string model, int seed = 5)
    {
        lock (GlobalRandom.Sync)
        {
            manual_seed(seed);
            return ModelFactory.Create(new ModelSpec(model, new ImageShape(1, 28, 28), 10, new Normalization([0.3f], [0.35f])));
        }
    }

    static List<(string Name, Tensor Value)> RunningStatistics(SplitNetwork net) =>
        net.named_buffers().Select(b => (b.name, b.buffer.clone())).ToList();

    [Theory]
    [InlineData("resnet20", true)]
    [InlineData("vgg11bn", true)]
    [InlineData("lenet", false)]
    [InlineData("alexnet", false)]
    public void Omega_has_batch_norm_only_in_the_bn_networks(string model, bool expected)
    {
        using var net = Create(model);
        Assert.Equal(expected, net.OmegaHasBatchNorm);
    }

    [Theory]
    [InlineData("resnet20")]
    [InlineData("vgg11bn")]
    public void The_clean_path_is_the_baselines_forward_pass_and_the_mean_path_moves_no_running_statistic(string model)
    {
        using var baselineNet = Create(model);
        using var regularizedNet = Create(model);
        baselineNet.train();
        regularizedNet.train();
        using var generator = SeededNoise.Generator(51);
        using var x = rand([8, 1, 28, 28], generator: generator);
        using var y = randint(0, 10, [8], generator: generator);
        var batch = new TrainingBatch(x, y);

        var baseline = new BaselineObjective().Compute(baselineNet, batch);
        var regularized = new MomentRegularizerObjective(regularizedNet, 0.4, 1, CPU).Compute(regularizedNet, batch);

        Assert.True(allclose(regularized.CleanLogits, baseline.CleanLogits, 1e-5, 1e-6), "clean logits differ from the baseline's");
        var expected = RunningStatistics(baselineNet);
        var actual = RunningStatistics(regularizedNet);
        Assert.Equal(expected.Select(b => b.Name), actual.Select(b => b.Name));
        Assert.Contains(expected, b => b.Name.EndsWith("num_batches_tracked") && b.Value.item<long>() == 1);
        foreach (var ((name, e), (_, a)) in expected.Zip(actual))
            Assert.True(allclose(a.to_type(ScalarType.Float64), e.to_type(ScalarType.Float64), 1e-5, 1e-7), $"{name} differs from the baseline's");

        // The backward pass still works: autograd's saved running statistics were not written behind its back.
        regularized.Loss.backward();
        Assert.All(regularizedNet.parameters(), p => Assert.True(isfinite(p.grad!).all().item<bool>()));
    }

    [Fact]
    public void With_gamma_the_noisy_copies_share_the_clean_paths_batch_and_the_mean_path_stays_alone()
    {
        const double sigma = 0.3, alpha = 0.6;
        using var net = Create("resnet20", seed: 6);
        net.train();
        using var data = SeededNoise.Generator(53);
        using var x = rand([6, 1, 28, 28], generator: data);
        using var y = randint(0, 10, [6], generator: data);
        Tensor loss;
        using (var noise = SeededNoise.Generator(54))
            loss = new MomentRegularizerObjective(net, sigma, alpha, CPU, new RegularizerVariant(Gamma: 0.5), noise)
                .Compute(net, new TrainingBatch(x, y)).Loss;

        // By hand: the first 3 images get one noisy copy, drawn from the same seed.
        Tensor noisy;
        using (var noise = SeededNoise.Generator(54)) noisy = PixelNoise.Add(x.narrow(0, 0, 3), sigma, noise);
        var pre = net.PreActivation(cat([x, noisy], 0));
        using var inputVariance = VarianceMap.InputVariance(sigma, [0.35f], 28, 28, CPU);
        var s = VarianceMap.StdThroughFirstLayer(net.Upsilon, inputVariance);
        var cleanPath = net.Omega(nn.functional.relu(pre));
        var meanPath = net.Omega(ReluMoments.Mean(pre.narrow(0, 0, 6), s));
        var expected = nn.functional.cross_entropy(cleanPath, cat([y, y.narrow(0, 0, 3)], 0)) + alpha * nn.functional.cross_entropy(meanPath, y);

        Assert.Equal(expected.item<float>(), loss.item<float>(), 4);
    }

    [Fact]
    public void Running_statistics_kept_restores_nothing_it_did_not_keep_and_lets_later_passes_update()
    {
        using var net = Create("resnet20");
        net.train();
        using var generator = SeededNoise.Generator(52);
        using var x = rand([6, 1, 28, 28], generator: generator);
        var before = RunningStatistics(net);
        var norms = net.modules().OfType<BatchNorm>().ToList();
        var momenta = norms.Select(b => b.momentum).ToList();

        using (new RunningStatisticsKept(norms)) net.call(x).sum().backward();
        foreach (var ((name, b), (_, a)) in before.Zip(RunningStatistics(net)))
            Assert.True(a.equal(b).all().item<bool>(), $"{name} moved under RunningStatisticsKept");
        Assert.Equal(momenta, norms.Select(b => b.momentum));

        net.call(x);
        var after = RunningStatistics(net);
        Assert.Contains(before.Zip(after), pair => pair.First.Name.EndsWith("running_mean") && !pair.First.Value.equal(pair.Second.Value).all().item<bool>());
        Assert.All(after.Where(b => b.Name.EndsWith("num_batches_tracked")), b => Assert.Equal(1L, b.Value.item<long>()));
    }
}
