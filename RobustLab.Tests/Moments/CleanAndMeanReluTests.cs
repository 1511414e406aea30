using RobustLab.Training.Moments;
using RobustLab.Training.Runtime;
using static RobustLab.Tests.Kernels.FirstReluComparison;
using static TorchSharp.torch;

namespace RobustLab.Tests.Moments;

/// <summary>The fused regulariser function against the plain autograd composition it replaces.</summary>
[Collection(RobustLab.Tests.Loop.GlobalTorchRngCollection.Name)]
public class CleanAndMeanReluTests
{
    public CleanAndMeanReluTests() => TorchRuntime.EnsureLoaded();

    static Tensor Reference(Tensor mu, Tensor s) => cat([nn.functional.relu(mu), ReluMoments.Mean(mu, s)], 0);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fused_values_and_gradients_equal_the_autograd_composition(bool withZeroSigmas)
    {
        manual_seed(8);
        using var mu = randn(6, 3, 5, 5, dtype: ScalarType.Float64) * 2;
        using var s = rand(1, 3, 5, 5, dtype: ScalarType.Float64) + 0.05;
        if (withZeroSigmas) s[0, 1] = zeros(5, 5, dtype: ScalarType.Float64);
        using var weights = randn(12, 3, 5, 5, dtype: ScalarType.Float64);

        var fused = Run(CleanAndMeanRelu.Apply, mu, s, weights);
        var reference = Run(Reference, mu, s, weights);

        Assert.True(allclose(fused.Output, reference.Output, 1e-10, 1e-12), "values differ");
        Assert.True(allclose(fused.GradMu, reference.GradMu, 1e-10, 1e-12), "d/dmu differs");
        Assert.True(allclose(fused.GradS, reference.GradS, 1e-9, 1e-12), "d/ds differs");
        Assert.True(isfinite(fused.GradS).all().item<bool>());
    }
}
