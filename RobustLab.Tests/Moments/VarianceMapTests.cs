using RobustLab.Training.Moments;
using RobustLab.Training.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Tests.Moments;

[Collection(RobustLab.Tests.Loop.GlobalTorchRngCollection.Name)]
public class VarianceMapTests
{
    public VarianceMapTests() => TorchRuntime.EnsureLoaded();

    /// <summary>Monte-Carlo variance of layer((x + n - mean) / std) over noise n ~ N(0, sigma^2) in pixel units.</summary>
    static Tensor MonteCarloVariance(nn.Module<Tensor, Tensor> layer, Tensor x, double sigma, float[] std, int samples)
    {
        using var _ = no_grad();
        var copies = x.expand(samples, -1, -1, -1);
        var noisy = copies + randn(copies.shape) * sigma;
        var scale = tensor(std).reshape(1, std.Length, 1, 1);
        var output = layer.call(noisy / scale);   // the mean shift of normalisation does not change the variance
        return output.var(0, unbiased: true, keepdim: true);
    }

    [Fact]
    public void Conv_variance_map_matches_monte_carlo_with_per_channel_normalisation()
    {
        manual_seed(1);
        using var conv = nn.Conv2d(3, 4, 3, stride: 2, padding: 1);
        var std = new[] { 0.25f, 0.5f, 1.0f };
        using var x = rand(1, 3, 10, 10);
        const double sigma = 0.3;
        using var mc = MonteCarloVariance(conv, x, sigma, std, samples: 20_000);
        using var input = VarianceMap.InputVariance(sigma, std, 10, 10, CPU);
        using var analytic = VarianceMap.ThroughFirstLayer(conv, input);
        Assert.Equal(mc.shape, analytic.shape);
        // Relative standard error of a variance from 20000 samples is sqrt(2/20000) = 1%.
        using var relative = ((analytic - mc) / analytic).abs();
        Assert.True(relative.max().item<float>() < 0.06f, $"max relative error {relative.max().item<float>()}");
        Assert.True(relative.mean().item<float>() < 0.015f, $"mean relative error {relative.mean().item<float>()}");
    }

    [Fact]
    public void Linear_variance_map_matches_monte_carlo()
    {
        manual_seed(2);
        using var linear = nn.Linear(2 * 4 * 4, 6);
        var std = new[] { 0.5f, 2.0f };
        using var x = rand(1, 2, 4, 4);
        const double sigma = 0.2;
        var flatten = nn.Sequential(nn.Flatten(), linear);
        using var mc = MonteCarloVariance(flatten, x, sigma, std, samples: 20_000);
        using var input = VarianceMap.InputVariance(sigma, std, 4, 4, CPU);
        using var analytic = VarianceMap.ThroughFirstLayer(linear, input);
        using var relative = ((analytic - mc.reshape(analytic.shape)) / analytic).abs();
        Assert.True(relative.max().item<float>() < 0.06f, $"max relative error {relative.max().item<float>()}");
    }

    [Fact]
    public void Variance_map_is_zero_without_noise_and_its_std_has_finite_gradient()
    {
        using var conv = nn.Conv2d(1, 2, 3, padding: 1);
        using var input = VarianceMap.InputVariance(0, new[] { 0.3f }, 5, 5, CPU);
        using var s2 = VarianceMap.StdThroughFirstLayer(conv, input);
        Assert.True(s2.max().item<float>() < 1e-9f);
        using var mu = randn(1, 2, 5, 5);
        ReluMoments.Mean(mu, s2).sum().backward();
        Assert.True(conv.weight!.grad is null || torch.isfinite(conv.weight.grad).all().item<bool>());
    }
}
