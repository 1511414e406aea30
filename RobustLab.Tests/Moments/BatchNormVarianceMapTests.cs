using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Moments;
using RobustLab.Training.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobustLab.Tests.Moments;

/// <summary>
/// The variance map through a first block pad - conv - BN (docs/method.md, section "Batch normalisation in the first
/// block"): s2 = |gamma_c| / sqrt(var_c + eps) sqrt((A .* A) sigma^2), against the Monte-Carlo spread of the block's
/// output, with BN's running statistics (eval) and with the batch's own (training).
/// </summary>
[Collection(RobustLab.Tests.Loop.GlobalTorchRngCollection.Name)]
public class BatchNormVarianceMapTests
{
    const double Sigma = 0.3;
    static readonly Normalization Norm = new([0.4f, 0.2f], [0.25f, 0.5f]);

    public BatchNormVarianceMapTests() => TorchRuntime.EnsureLoaded();

    /// <summary>A 2-channel 6x6 first block padded to 10x10, BN with a negative gamma and running statistics far from the batch's.</summary>
    static FirstBlock NewBlock(out Conv2d conv, out BatchNorm2d bn)
    {
        manual_seed(21);
        conv = nn.Conv2d(2, 4, 3, padding: 1);
        bn = nn.BatchNorm2d(4);
        using (no_grad())
        {
            bn.weight!.copy_(tensor(new[] { 1.5f, -0.7f, 0.3f, 2.0f }));
            bn.bias!.copy_(tensor(new[] { 0.1f, -0.2f, 0.3f, 0.0f }));
            bn.running_mean!.copy_(tensor(new[] { 0.5f, -1f, 0f, 2f }));
            bn.running_var!.copy_(tensor(new[] { 4f, 0.25f, 9f, 0.5f }));
        }
        return new FirstBlock(conv, bn, (2, 2), Norm);
    }

    static Tensor Normalize(Tensor pixels) =>
        (pixels - tensor(Norm.Mean).reshape(1, 2, 1, 1)) / tensor(Norm.Std).reshape(1, 2, 1, 1);

    static Tensor AnalyticStd(FirstBlock block)
    {
        using var input = VarianceMap.InputVariance(Sigma, Norm.Std, 6, 6, CPU);
        return VarianceMap.StdThroughFirstLayer(block, input);
    }

    static void AssertClose(Tensor analytic, Tensor monteCarlo, double tolerance, string what)
    {
        double scale = analytic.abs().max().item<float>();
        using var diff = (analytic - monteCarlo).abs();
        Assert.True(diff.max().item<float>() < tolerance * scale, $"{what}: max |analytic - MC| = {diff.max().item<float>()} (scale {scale})");
    }

    [Fact]
    public void Eval_mode_std_matches_monte_carlo_with_running_statistics()
    {
        using var block = NewBlock(out var conv, out var bn);
        using var scope = NewDisposeScope();
        bn.eval();
        using var _ = no_grad();
        var x = rand(1, 2, 6, 6);
        var s2 = AnalyticStd(block);
        var clean = block.call(Normalize(x));

        const int samples = 20_000;
        var noisy = x.expand(samples, -1, -1, -1) + randn(samples, 2, 6, 6) * Sigma;
        var outputs = block.call(Normalize(noisy));

        Assert.Equal([1L, 4, 10, 10], s2.shape);
        // Std of a std estimate from 20000 samples is 0.5%; BN is affine in eval mode, so the mean is exact.
        AssertClose(s2, outputs.std(0, keepdim: true), 0.03, "std");
        AssertClose(clean, outputs.mean([0], keepdim: true), 0.03, "mean");
        // The black border carries no noise: positions whose 3x3 window lies in it have s2 = 0 (up to the 1e-12 floor
        // that keeps sqrt's gradient finite).
        Assert.True(s2.select(2, 0).max().item<float>() <= 1e-12f, $"s2 on the border: {s2.select(2, 0).max().item<float>()}");
        Assert.True(s2.select(2, 5).select(2, 5).min().item<float>() > 1e-3f, "an interior position carries noise");
        // With the batch statistics instead of the running ones the answer would differ clearly.
        bn.train();
        block.call(Normalize(rand(64, 2, 6, 6)));
        var withBatchStatistics = AnalyticStd(block);
        Assert.True((withBatchStatistics - s2).abs().max().item<float>() > 0.2 * s2.max().item<float>());
    }

    [Fact]
    public void Training_mode_std_matches_monte_carlo_with_the_batch_statistics_as_constants()
    {
        using var block = NewBlock(out var conv, out var bn);
        using var scope = NewDisposeScope();
        bn.train();
        using var _ = no_grad();
        // Image 0 is the one under noise; the other images of the batch stay clean, as in a training step.
        const int batch = 256;
        var images = rand(batch, 2, 6, 6);
        var clean = block.call(Normalize(images));
        var s2 = AnalyticStd(block);
        // The running variance (far from the batch's) would give another answer.
        bn.eval();
        var withRunning = AnalyticStd(block);
        Assert.True((withRunning - s2).abs().max().item<float>() > 0.2 * s2.max().item<float>());
        bn.train();

        const int samples = 3000;
        var outputs = new List<Tensor>();
        for (int i = 0; i < samples; i++)
        {
            var noisyBatch = images.clone();
            noisyBatch[0].add_(randn(2, 6, 6) * Sigma);
            outputs.Add(block.call(Normalize(noisyBatch))[0].unsqueeze(0));
        }
        var stacked = cat(outputs, 0);

        // Std error of the std estimate ~1.3%; the noisy image moves the batch statistics by O(1/batch).
        AssertClose(s2, stacked.std(0, keepdim: true), 0.05, "std");
        AssertClose(clean[0].unsqueeze(0), stacked.mean([0], keepdim: true), 0.05, "mean");
    }

    [Fact]
    public void Training_mode_needs_a_forward_pass_first()
    {
        using var block = NewBlock(out _, out var bn);
        bn.train();
        var e = Assert.Throws<InvalidOperationException>(() => AnalyticStd(block));
        Assert.Contains("forward pass", e.Message);
    }
}
