using RobustLab.Training.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobustLab.Training.Models;

/// <summary>
/// Upsilon, the part of a network before its first ReLU, when that part is affine in the input: an optional border
/// of black pixels (to bring 28x28 images to the side a model needs), a convolution, and an optional batch
/// normalisation (docs/method.md, section "Batch normalisation in the first block"). The variance map knows this
/// shape (<see cref="Moments.VarianceMap"/>), so the regulariser works through padding and batch normalisation.
/// <para>
/// It only references the network's own layers and registers none itself, so the state dict keeps the PyTorch
/// names the network gives them (conv1 and bn1, or features.0 and features.1) and train()/eval() reach them there.
/// </para>
/// </summary>
public sealed class FirstBlock : nn.Module<Tensor, Tensor>
{
    readonly float[] _black;
    Tensor? _batchVariance;

    /// <param name="conv">The first convolution.</param>
    /// <param name="norm">Batch normalisation right after it, or null.</param>
    /// <param name="padding">Pixels added on the left/top and on the right/bottom of each input.</param>
    /// <param name="normalization">The network's input normalisation: padded pixels are black, (0 - mean_c) / std_c.</param>
    public FirstBlock(Conv2d conv, BatchNorm2d? norm, (int Before, int After) padding, Normalization normalization) : base("FirstBlock")
    {
        Conv = conv;
        Norm = norm;
        Padding = padding;
        _black = normalization.Mean.Zip(normalization.Std, (m, s) => -m / s).ToArray();
    }

    public Conv2d Conv { get; }
    public BatchNorm2d? Norm { get; }
    public (int Before, int After) Padding { get; }

    /// <summary>Pads normalised inputs with black pixels (the interior is left bit-identical); the border carries no noise.</summary>
    public Tensor Pad(Tensor normalized)
    {
        if (Padding == (0, 0)) return normalized.alias();
        var (b, a) = Padding;
        long[] sides = [b, a, b, a];
        if (_black.All(v => v == _black[0])) return nn.functional.pad(normalized, sides, value: _black[0]);
        // A different black per channel: pad each channel with its own.
        using var scope = NewDisposeScope();
        var channels = normalized.split(1, 1).Select((c, i) => nn.functional.pad(c, sides, value: _black[i])).ToArray();
        return cat(channels, 1).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor normalized)
    {
        using var scope = NewDisposeScope();
        var u = Conv.call(Pad(normalized));
        if (Norm is null) return u.MoveToOuterDisposeScope();
        if (Norm.training)
        {
            // The batch statistics that BN uses in this step; the variance map treats them as constants.
            _batchVariance?.Dispose();
            using (no_grad()) _batchVariance = u.var([0, 2, 3], unbiased: false, keepdim: true).DetachFromDisposeScope();
        }
        return Norm.call(u).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// gamma_c / sqrt(var_c + eps), shape (1, C, 1, 1): BN's slope per channel, with the running variance in eval mode
    /// and the last training batch's variance (a constant, no gradient) in training mode; null without BN.
    /// </summary>
    public Tensor? NormSlope()
    {
        if (Norm is null) return null;
        Tensor variance;
        if (Norm.training)
            variance = _batchVariance ?? throw new InvalidOperationException(
                "The first block's batch variance is known only after a forward pass in training mode (call PreActivation first).");
        else
            variance = Norm.running_var ?? throw new InvalidOperationException("The first block's BN keeps no running variance.");
        using var scope = NewDisposeScope();
        var gamma = Norm.weight is { } w ? w.reshape(1, -1, 1, 1) : ones(1, variance.numel(), 1, 1, device: variance.device);
        return (gamma / (variance.reshape(1, -1, 1, 1) + Norm.eps).sqrt()).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _batchVariance?.Dispose();
        base.Dispose(disposing);
    }
}
