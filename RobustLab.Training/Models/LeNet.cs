using RobustLab.Training.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RobustLab.Training.Models;

/// <summary>
/// LeNet as in the paper's reference code (docs/method.md, section "Architectures"): conv(C->32, k5, p2) - ReLU - maxpool(2) -
/// conv(32->64, k5, p2) - ReLU - maxpool(2) - flatten - linear(64*(S/4)^2 -> 1024) - ReLU - linear(1024 -> K).
/// Field names are the PyTorch state-dict names (conv1.weight, ..., fc2.bias).
/// </summary>
public sealed class LeNet : SplitNetwork
{
    readonly Conv2d conv1, conv2;
    readonly Linear fc1, fc2;

    public LeNet(ModelSpec spec) : base("LeNet", spec)
    {
        ModelFactory.EnsureFits(spec);
        var (c, h, w) = (spec.Input.Channels, spec.Input.Height, spec.Input.Width);
        conv1 = Conv2d(c, 32, 5, padding: 2);
        conv2 = Conv2d(32, 64, 5, padding: 2);
        fc1 = Linear(64L * (h / 4) * (w / 4), 1024);
        fc2 = Linear(1024, spec.Classes);
        RegisterComponents();
    }

    public override Module<Tensor, Tensor> Upsilon => conv1;

    public override bool OmegaStartsWithMaxPool2 => true;

    public override Tensor OmegaAfterPool(Tensor pooled)
    {
        using var scope = NewDisposeScope();
        var x = ReluMaxPool2.Apply(conv2.call(pooled));
        x = functional.relu(fc1.call(x.flatten(1)));
        return fc2.call(x).MoveToOuterDisposeScope();
    }
}
