using RobustLab.Training.Data;
using RobustLab.Training.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Models;

/// <summary>
/// A classifier split at its first ReLU, Phi = Omega o ReLU o Upsilon (docs/method.md, section "Network split"), with a fixed
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

    /// <summary>
    /// The rest of the network after the first ReLU. A network whose Omega starts with the 2x2 max-pool
    /// (<see cref="OmegaStartsWithMaxPool2"/>) need only give <see cref="OmegaAfterPool"/>; any other overrides this.
    /// </summary>
    public virtual Tensor Omega(Tensor firstReluOutput)
    {
        if (!OmegaStartsWithMaxPool2) throw new NotSupportedException($"{GetType().Name} must define its Omega.");
        using var pooled = nn.functional.max_pool2d(firstReluOutput, 2, 2);
        return OmegaAfterPool(pooled);
    }

    /// <summary>
    /// True when Omega starts with a 2x2, stride-2 max-pool (LeNet, AlexNet). The first ReLU and that pool then run as
    /// one fused kernel on the CPU (<see cref="ReluMaxPool2"/>, <see cref="CleanAndMeanReluMaxPool2"/>), and
    /// <see cref="OmegaAfterPool"/> is the rest.
    /// </summary>
    public virtual bool OmegaStartsWithMaxPool2 => false;

    /// <summary>Omega after its leading 2x2 max-pool (only when <see cref="OmegaStartsWithMaxPool2"/>).</summary>
    public virtual Tensor OmegaAfterPool(Tensor pooled) =>
        throw new NotSupportedException($"{GetType().Name}'s Omega does not start with a 2x2 max-pool.");

    /// <summary>
    /// Omega's batch normalisations, which in training mode make each row's output depend on the other rows of its
    /// batch (a BN in Upsilon's <see cref="FirstBlock"/> is not Omega's). Found once: the layers never change.
    /// </summary>
    public IReadOnlyList<TorchSharp.Modules.BatchNorm> OmegaBatchNorms => _omegaBatchNorms ??=
        modules().OfType<TorchSharp.Modules.BatchNorm>().Where(norm => Upsilon is not FirstBlock first || !ReferenceEquals(first.Norm, norm)).ToList();

    IReadOnlyList<TorchSharp.Modules.BatchNorm>? _omegaBatchNorms;

    public bool OmegaHasBatchNorm => OmegaBatchNorms.Count > 0;

    /// <summary>Omega(relu(mu2)), with the first ReLU fused into Omega's leading max-pool where there is one.</summary>
    public Tensor OmegaOfRelu(Tensor preActivation) => OmegaStartsWithMaxPool2
        ? OmegaAfterPool(ReluMaxPool2.Apply(preActivation))
        : Omega(nn.functional.relu(preActivation));

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
        return OmegaOfRelu(PreActivation(pixels)).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) { _meanTensor?.Dispose(); _stdTensor?.Dispose(); }
        base.Dispose(disposing);
    }
}
