using RobustLab.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobustLab.Training.Moments;

/// <summary>
/// The variance of the first layer's outputs under input noise N(0, Diag(sigma_x^2)) (docs/method.md, section "Variance map"):
/// s2^2 = (A .* A) sigma_x^2, i.e. the first layer with squared weights and no bias applied to the per-pixel
/// variance map. Identical for every image of a batch, so it is computed once per step with batch size 1.
/// A <see cref="FirstBlock"/> adds a noise-free border (variance 0) before its convolution and, with batch
/// normalisation, scales channel c by (gamma_c / sqrt(var_c + eps))^2 (docs/method.md, section "Batch normalisation in
/// the first block").
/// </summary>
public static class VarianceMap
{
    /// <summary>
    /// Per-pixel input variance in the network's (normalised) units, shape (1, C, H, W): sigma^2 / std_c^2.
    /// </summary>
    public static Tensor InputVariance(double sigma, IReadOnlyList<float> channelStd, long height, long width, Device device)
    {
        var perChannel = channelStd.Select(s => (float)(sigma * sigma / ((double)s * s))).ToArray();
        using var v = tensor(perChannel, device: device);
        return v.reshape(1, perChannel.Length, 1, 1).expand(1, perChannel.Length, height, width).contiguous();
    }

    /// <summary>Variance of the first layer's outputs (shape of one output, batch 1) given the input variance map.</summary>
    public static Tensor ThroughFirstLayer(nn.Module<Tensor, Tensor> firstLayer, Tensor inputVariance)
    {
        using var scope = NewDisposeScope();
        Tensor result = firstLayer switch
        {
            Conv2d c => nn.functional.conv2d(inputVariance, c.weight.square(), null, c.stride, c.padding ?? new long[] { 0 }, c.dilation, c.groups),
            Linear l => nn.functional.linear(inputVariance.flatten(1), l.weight.square()),
            FirstBlock b => ThroughFirstBlock(b, inputVariance),
            _ => throw new NotSupportedException($"The first layer must be Conv2d or Linear, not {firstLayer.GetType().Name}."),
        };
        return result.MoveToOuterDisposeScope();
    }

    static Tensor ThroughFirstBlock(FirstBlock block, Tensor inputVariance)
    {
        var (before, after) = block.Padding;
        using var padded = before + after == 0 ? inputVariance.alias() : nn.functional.pad(inputVariance, [before, after, before, after]);
        var convolved = ThroughFirstLayer(block.Conv, padded);
        using var slope = block.NormSlope();
        return slope is null ? convolved : convolved * slope.square();
    }

    /// <summary>Standard deviation s2 of the first layer's outputs (the square root of <see cref="ThroughFirstLayer"/>).</summary>
    public static Tensor StdThroughFirstLayer(nn.Module<Tensor, Tensor> firstLayer, Tensor inputVariance)
    {
        using var variance = ThroughFirstLayer(firstLayer, inputVariance);
        // The floor keeps sqrt's gradient finite where a variance is 0 (ReluMoments treats s <= 1e-12 as 0).
        return variance.clamp_min(1e-24).sqrt();
    }
}
