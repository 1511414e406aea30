using RobustLab.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Models;

/// <summary>
/// A classifier split at its first ReLU, Phi = Omega o ReLU o Upsilon (PAPER.md section 2), with a fixed
/// per-channel normalisation in front so that its inputs are pixels in [0, 1]. Any network of this shape can be
/// trained with the moment regulariser: subclasses provide Upsilon (a Conv2d or Linear layer) and Omega.
/// </summary>
public abstract class SplitNetwork : nn.Module<Tensor, Tensor>
{
    readonly float[] _mean, _std;
    Tensor? _meanTensor, _stdTensor;

    protected SplitNetwork(string name, ModelSpec spec) : base(name)
    {
        Spec = spec;
        _mean = spec.Normalization.Mean;
        _std = spec.Normalization.Std;
    }

    public ModelSpec Spec { get; }

    /// <summary>The first layer (weights A, bias c1).</summary>
    public abstract nn.Module<Tensor, Tensor> Upsilon { get; }

    /// <summary>The rest of the network after the first ReLU.</summary>
    public abstract Tensor Omega(Tensor firstReluOutput);

    /// <summary>(x - mean_c) / std_c for pixel inputs of shape (N, C, H, W).</summary>
    public Tensor Normalize(Tensor pixels)
    {
        if (_meanTensor is null || _meanTensor.device != pixels.device)
        {
            _meanTensor?.Dispose(); _stdTensor?.Dispose();
            // Not registered as buffers: the state dict holds only the paper's layers (PyTorch names).
            _meanTensor = tensor(_mean, device: pixels.device).reshape(1, _mean.Length, 1, 1).DetachFromDisposeScope();
            _stdTensor = tensor(_std, device: pixels.device).reshape(1, _std.Length, 1, 1).DetachFromDisposeScope();
        }
        return (pixels - _meanTensor) / _stdTensor!;
    }

    /// <summary>mu2 = Upsilon(normalised x): the first layer's pre-activation.</summary>
    public Tensor PreActivation(Tensor pixels)
    {
        using var normalized = Normalize(pixels);
        return Upsilon.call(normalized);
    }

    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var z = nn.functional.relu(PreActivation(pixels));
        return Omega(z).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) { _meanTensor?.Dispose(); _stdTensor?.Dispose(); }
        base.Dispose(disposing);
    }
}
