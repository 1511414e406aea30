using RobustLab.Training.Kernels;
using RobustLab.Training.Moments;
using RobustLab.Training.Runtime;
using static RobustLab.Tests.Kernels.FirstReluComparison;
using static TorchSharp.torch;

namespace RobustLab.Tests.Kernels;

/// <summary>
/// The regulariser's fused kernel, [max_pool2d(relu(mu), 2); max_pool2d(T(mu, s), 2)], against the same composition
/// in double precision with autograd, and T itself against the closed form.
/// </summary>
public class CleanAndMeanReluMaxPool2Tests
{
    public CleanAndMeanReluMaxPool2Tests() => TorchRuntime.EnsureLoaded();

    static Tensor Composition(Tensor mu, Tensor s) =>
        nn.functional.max_pool2d(cat([nn.functional.relu(mu), ReluMoments.Mean(mu, s)], 0), 2);

    // 28: LeNet's side (blocks of 8 windows, the last overlapping); 20: an overlap of 6 windows, where d/ds must not
    // count a window twice; 8: rows too short for a block.
    [Theory]
    [InlineData(3, 4, 28, 28, false)]
    [InlineData(2, 2, 6, 20, false)]
    [InlineData(2, 3, 8, 8, false)]
    [InlineData(3, 4, 28, 28, true)]
    public void Values_and_gradients_match_the_double_precision_composition(int n, int c, int h, int w, bool withZeroSigmas)
    {
        using var generator = SeededNoise.Generator(21);
        using var mu = randn([n, c, h, w], generator: generator) * 2;
        using var s = rand([1, c, h, w], generator: generator) + 0.05;
        if (withZeroSigmas) s[0, 1] = zeros(h, w);
        using var upstream = randn([2 * n, c, h / 2, w / 2], generator: generator);
        Assert.True(CleanAndMeanReluMaxPool2.Supports(mu, s));

        var fused = Run(CleanAndMeanReluMaxPool2.Apply, mu, s, upstream);
        var reference = Run(Composition, mu.to_type(ScalarType.Float64), s.to_type(ScalarType.Float64), upstream.to_type(ScalarType.Float64));

        AssertClose(fused.Output, reference.Output, 1e-6, "values");
        AssertClose(fused.GradMu, reference.GradMu, 1e-6, "d/dmu");
        AssertClose(fused.GradS, reference.GradS, 1e-5, "d/ds");   // a sum over the batch
        Assert.True(isfinite(fused.GradS).all().item<bool>());
    }

    [Fact]
    public void T_matches_the_closed_form_from_the_tails_to_s_near_zero()
    {
        // Constant 2x2 windows, so the pooled mean path is T(mu, s) itself; t = mu / s spans [-8, 8] and s goes down to 0.
        double[] ts = Enumerable.Range(0, 33).Select(i => -8 + 0.5 * i).ToArray();
        double[] sigmas = [2.0, 0.3, 1e-3, 1e-13, 0];
        var muSmall = new float[ts.Length * sigmas.Length];
        var sSmall = new float[ts.Length * sigmas.Length];
        for (int i = 0; i < sigmas.Length; i++)
            for (int j = 0; j < ts.Length; j++)
            {
                double sigma = sigmas[i];
                muSmall[i * ts.Length + j] = (float)(ts[j] * (sigma > 1e-6 ? sigma : 1e-3));
                sSmall[i * ts.Length + j] = (float)sigma;
            }
        using var mu = Upsample(tensor(muSmall).reshape(1, 1, sigmas.Length, ts.Length));
        using var s = Upsample(tensor(sSmall).reshape(1, 1, sigmas.Length, ts.Length));
        using var _ = no_grad();
        using var output = CleanAndMeanReluMaxPool2.Apply(mu, s);
        var mean = output[1].data<float>().ToArray();
        for (int k = 0; k < mean.Length; k++)
        {
            double expected = ReluMoments.Mean(muSmall[k], sSmall[k]);
            double tolerance = 2e-6 * Math.Abs(expected) + 1e-7 * Math.Max(Math.Abs(muSmall[k]), sSmall[k]);
            Assert.True(Math.Abs(mean[k] - expected) <= tolerance,
                $"T({muSmall[k]}, {sSmall[k]}) = {mean[k]}, closed form {expected}");
        }
    }

    static Tensor Upsample(Tensor x) => x.repeat_interleave(2, 2).repeat_interleave(2, 3).contiguous();

    [Fact]
    public void At_zero_sigma_and_zero_mu_the_gradient_is_relus()
    {
        // s = 0 (sigma 0) and mu = 0: T is relu, whose gradient at 0 is 0 here as in CleanAndMeanRelu and libtorch.
        using var mu0 = zeros(1, 1, 2, 16);
        using var s0 = zeros(1, 1, 2, 16);
        using var upstream = ones(2, 1, 1, 8);
        var fused = Run(CleanAndMeanReluMaxPool2.Apply, mu0, s0, upstream);
        var reference = Run((mu, s) => nn.functional.max_pool2d(CleanAndMeanRelu.Apply(mu, s), 2), mu0, s0, upstream);
        Assert.True(fused.Output.eq(reference.Output).all().item<bool>(), "values differ");
        Assert.True(fused.GradMu.eq(reference.GradMu).all().item<bool>(), "d/dmu differs");
        Assert.True(fused.GradS.eq(reference.GradS).all().item<bool>(), "d/ds differs");
    }

    [Fact]
    public void Huge_mu_at_zero_sigma_stays_finite()
    {
        using var mu0 = tensor(new[] { 1e9f, -1e9f, 3f, -3f }).reshape(1, 1, 2, 2).repeat(1, 1, 1, 8).contiguous();
        using var s0 = zeros(1, 1, 2, 16);
        using var upstream = ones(2, 1, 1, 8);
        var fused = Run(CleanAndMeanReluMaxPool2.Apply, mu0, s0, upstream);
        Assert.True(isfinite(fused.Output).all().item<bool>() && isfinite(fused.GradMu).all().item<bool>() &&
                    isfinite(fused.GradS).all().item<bool>(), "not finite");
        Assert.Equal(1e9f, fused.Output[1, 0, 0, 0].item<float>());
    }

    [Fact]
    public void An_s_that_is_not_shaped_1_C_H_W_is_not_taken_by_the_kernel()
    {
        using var mu = zeros(2, 3, 4, 4);
        using var flat = ones(3 * 4 * 4);
        Assert.True(CleanAndMeanReluMaxPool2.Supports(mu, ones(1, 3, 4, 4)));
        Assert.False(CleanAndMeanReluMaxPool2.Supports(mu, flat));
        Assert.False(CleanAndMeanReluMaxPool2.Supports(mu, ones(3, 1, 4, 4)));
    }

    [Fact]
    public void Other_types_fall_back_to_the_libtorch_composition()
    {
        using var generator = SeededNoise.Generator(22);
        using var mu = randn([2, 2, 8, 8], dtype: ScalarType.Float64, generator: generator);
        using var s = rand([1, 2, 8, 8], dtype: ScalarType.Float64, generator: generator) + 0.1;
        Assert.False(CleanAndMeanReluMaxPool2.Supports(mu, s));
        using var _ = no_grad();
        using var fallback = CleanAndMeanReluMaxPool2.Apply(mu, s);
        Assert.True(allclose(fallback, Composition(mu, s), 1e-12, 1e-12));
    }
}
