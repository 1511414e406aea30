using RobustLab.Training.Data;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Models;
using RobustLab.Training.Moments;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Moments;

/// <summary>The theorem behind Eq. 3 (exact for the first ReLU) and the approximation Omega(mu3) ~= E[Phi(x + n)].</summary>
[Collection(RobustLab.Tests.Loop.GlobalTorchRngCollection.Name)]
public class MeanNetworkTests
{
    public MeanNetworkTests() => TorchRuntime.EnsureLoaded();

    static LeNet NewLeNet()
    {
        manual_seed(3);
        var spec = new ModelSpec("lenet", new ImageShape(1, 28, 28), 10, new Normalization([0.3f], [0.35f]));
        var net = new LeNet(spec);
        net.eval();
        return net;
    }

    [Fact]
    public void First_relu_mean_T_mu2_s2_matches_monte_carlo()
    {
        using var net = NewLeNet();
        using var _ = no_grad();
        using var x = rand(1, 1, 28, 28);
        const double sigma = 0.25;
        const int samples = 4000;
        using var s2 = MomentApproximation.FirstLayerStd(net, sigma, CPU);
        using var analytic = ReluMoments.Mean(net.PreActivation(x), s2);
        var sum = zeros_like(analytic);
        for (int chunk = 0; chunk < samples / 500; chunk++)
        {
            using var scope = NewDisposeScope();
            var noisy = x.expand(500, -1, -1, -1) + randn(500, 1, 28, 28) * sigma;
            sum.add_(nn.functional.relu(net.PreActivation(noisy)).sum(0, keepdim: true));
        }
        using var mc = sum / samples;
        // Element-wise standard error is at most sqrt(E[relu^2] / samples); compare in units of the output scale.
        double scale = analytic.abs().max().item<float>();
        using var diff = (analytic - mc).abs();
        Assert.True(diff.max().item<float>() < 0.05 * scale, $"max |T - MC| = {diff.max().item<float>()} (scale {scale})");
        Assert.True(diff.mean().item<float>() < 0.01 * scale, $"mean |T - MC| = {diff.mean().item<float>()} (scale {scale})");
    }

    /// <summary>A network whose Omega is linear: there Omega(T(mu2, s2)) is exactly E[Phi(x + n)].</summary>
    sealed class LinearOmegaNet : SplitNetwork
    {
        readonly TorchSharp.Modules.Conv2d conv1;
        readonly TorchSharp.Modules.Linear fc;

        public LinearOmegaNet(ModelSpec spec) : base("LinearOmega", spec)
        {
            conv1 = nn.Conv2d(spec.Input.Channels, 6, 5, stride: 2, padding: 2);
            fc = nn.Linear(6 * 14 * 14, spec.Classes);
            RegisterComponents();
        }

        public override nn.Module<Tensor, Tensor> Upsilon => conv1;
        public override Tensor Omega(Tensor z) => fc.call(z.flatten(1));
    }

    static double Gap(Tensor a, Tensor b) => (a - b).norm().item<float>() / b.norm().item<float>();

    static Tensor MonteCarloLogits(SplitNetwork net, Tensor x, double sigma, int samples, int seed)
    {
        using var _ = no_grad();
        manual_seed(seed);
        long n = x.shape[0];
        return net.call(x.repeat_interleave(samples, 0) + randn(n * samples, x.shape[1], x.shape[2], x.shape[3]) * sigma)
            .reshape(n, samples, -1).mean([1]);
    }

    [Fact]
    public void Omega_of_mu3_is_the_exact_network_mean_when_omega_is_linear()
    {
        manual_seed(4);
        using var net = new LinearOmegaNet(new ModelSpec("linear", new ImageShape(1, 28, 28), 10, new Normalization([0.3f], [0.35f])));
        net.eval();
        using var _ = no_grad();
        using var x = rand(4, 1, 28, 28);
        const double sigma = 0.3;
        using var s2 = MomentApproximation.FirstLayerStd(net, sigma, CPU);
        using var analytic = MomentApproximation.MeanLogits(net, x, s2);
        using var mc = MonteCarloLogits(net, x, sigma, 4096, seed: 1);
        using var mcAgain = MonteCarloLogits(net, x, sigma, 4096, seed: 2);
        using var clean = net.call(x);

        double noiseFloor = Gap(mcAgain, mc);
        Assert.True(Gap(analytic, mc) < 3 * noiseFloor + 1e-3, $"analytic gap {Gap(analytic, mc)}, Monte-Carlo floor {noiseFloor}");
        Assert.True(Gap(clean, mc) > 10 * Gap(analytic, mc), $"the noise should move the mean: clean gap {Gap(clean, mc)}");
    }

    [Fact]
    public void Omega_of_mu3_approaches_the_monte_carlo_mean_of_lenet_as_noise_shrinks()
    {
        using var net = NewLeNet();
        using var x = rand(4, 1, 28, 28);
        // Omega's later ReLUs and max-pools make this an approximation (docs/method.md, section "The regulariser (Eq. 2 and 3)"): its error grows with sigma.
        var gaps = new[] { 0.01, 0.05, 0.3 }.Select(sigma => MomentApproximation.RelativeGap(net, x, sigma, samples: 2048, seed: 5)).ToArray();
        Assert.True(gaps[0] < 0.01, $"relative gap at sigma 0.01: {gaps[0]}");
        Assert.True(gaps[0] < gaps[1] && gaps[1] < gaps[2], $"gaps {string.Join(", ", gaps)} should grow with sigma");

        // And the analytic mean is closer to the noisy mean than the clean logits are.
        using var _ = no_grad();
        using var s2 = MomentApproximation.FirstLayerStd(net, 0.3, CPU);
        using var analytic = MomentApproximation.MeanLogits(net, x, s2);
        using var clean = net.call(x);
        using var mc = MonteCarloLogits(net, x, 0.3, 2048, seed: 9);
        Assert.True(Gap(analytic, mc) < Gap(clean, mc), $"analytic {Gap(analytic, mc)} vs clean {Gap(clean, mc)}");
    }

    /// <summary>ResNet-20 in eval mode, its BN running statistics those of a few batches of images.</summary>
    static SplitNetwork NewResNet20()
    {
        manual_seed(6);
        var net = ModelFactory.Create(new ModelSpec("resnet20", new ImageShape(1, 28, 28), 10, new Normalization([0.3f], [0.35f])));
        using (no_grad())
            for (int i = 0; i < 5; i++)
            {
                using var scope = NewDisposeScope();
                net.call(rand(64, 1, 28, 28));
            }
        net.eval();
        return net;
    }

    [Fact]
    public void Omega_of_mu3_matches_the_monte_carlo_mean_of_resnet20_under_small_noise()
    {
        using var net = NewResNet20();
        using var x = rand(2, 1, 28, 28);
        // Through the first block's BN (running statistics) and Omega's residual stages: docs/method.md, section
        // "Batch normalisation in the first block". Omega is not linear, so the gap grows with sigma.
        double small = MomentApproximation.RelativeGap(net, x, 0.01, samples: 256, seed: 7);
        double large = MomentApproximation.RelativeGap(net, x, 0.3, samples: 256, seed: 8);
        Assert.True(small < 0.01, $"relative gap at sigma 0.01: {small}");
        Assert.True(small < large, $"gap at sigma 0.01 ({small}) should be below the gap at 0.3 ({large})");
    }
}
