using RobustLab.Training.Kernels;
using RobustLab.Training.Moments;
using RobustLab.Training.Runtime;
using static RobustLab.Tests.Kernels.FirstReluComparison;
using static TorchSharp.torch;

namespace RobustLab.Tests.Kernels;

/// <summary>
/// The one-pass CPU kernel for [relu(mu); T(mu, s)] (ResNet-20's first ReLU) against <see cref="CleanAndMeanRelu"/>'s
/// composition in double precision with autograd.
/// </summary>
public class FusedCleanAndMeanReluTests
{
    public FusedCleanAndMeanReluTests() => TorchRuntime.EnsureLoaded();

    // 16 x 32 x 32: ResNet-20's first block on padded 28x28 images; 3 x 5 x 7 (105 positions): a partial last vector.
    [Theory]
    [InlineData(4, 16, 32, 32, false)]
    [InlineData(3, 3, 5, 7, false)]
    [InlineData(4, 16, 32, 32, true)]
    [InlineData(3, 3, 5, 7, true)]
    public void Values_and_gradients_match_the_double_precision_composition(int n, int c, int h, int w, bool withZeroSigmas)
    {
        using var generator = SeededNoise.Generator(23);
        using var mu = randn([n, c, h, w], generator: generator) * 2;
        using var s = rand([1, c, h, w], generator: generator) + 0.05;
        if (withZeroSigmas) s[0, 1] = zeros(h, w);
        using var upstream = randn([2 * n, c, h, w], generator: generator);
        Assert.True(FusedCleanAndMeanRelu.Supports(mu, s));

        var fused = Run(FusedCleanAndMeanRelu.Apply, mu, s, upstream);
        var reference = Run(CleanAndMeanRelu.Apply, mu.to_type(ScalarType.Float64), s.to_type(ScalarType.Float64), upstream.to_type(ScalarType.Float64));

        AssertClose(fused.Output, reference.Output, 1e-6, "values");
        AssertClose(fused.GradMu, reference.GradMu, 1e-6, "d/dmu");
        AssertClose(fused.GradS, reference.GradS, 1e-5, "d/ds");   // a sum over the batch
        Assert.True(isfinite(fused.GradS).all().item<bool>());
    }

    [Fact]
    public void At_zero_sigma_it_is_relu_with_relus_gradient_and_stays_finite_for_huge_mu()
    {
        using var mu0 = tensor(new[] { 1e9f, -1e9f, 3f, -3f, 0f, 0.5f, -0.5f, 0f, 2f }).reshape(1, 1, 3, 3);
        using var s0 = zeros(1, 1, 3, 3);
        using var upstream = ones(2, 1, 3, 3);
        var fused = Run(FusedCleanAndMeanRelu.Apply, mu0, s0, upstream);
        var reference = Run(CleanAndMeanRelu.Apply, mu0, s0, upstream);
        Assert.True(fused.Output.eq(reference.Output).all().item<bool>(), "values differ");
        Assert.True(fused.GradMu.eq(reference.GradMu).all().item<bool>(), "d/dmu differs");
        Assert.True(fused.GradS.eq(reference.GradS).all().item<bool>(), "d/ds differs");
        Assert.Equal(1e9f, fused.Output[1, 0, 0, 0].item<float>());
    }

    [Fact]
    public void Other_types_and_shapes_fall_back_to_the_libtorch_composition()
    {
        using var generator = SeededNoise.Generator(24);
        using var mu = randn([2, 2, 4, 4], dtype: ScalarType.Float64, generator: generator);
        using var s = rand([1, 2, 4, 4], dtype: ScalarType.Float64, generator: generator) + 0.1;
        Assert.False(FusedCleanAndMeanRelu.Supports(mu, s));
        Assert.False(FusedCleanAndMeanRelu.Supports(zeros(2, 2, 4, 4), ones(2, 2, 4, 4)));
        Assert.False(FusedCleanAndMeanRelu.Supports(zeros(2, 2, 4, 4), ones(1, 2, 4, 3)));
        using var _ = no_grad();
        using var fallback = FusedCleanAndMeanRelu.Apply(mu, s);
        Assert.True(allclose(fallback, CleanAndMeanRelu.Apply(mu, s), 1e-12, 1e-12));
    }
}
