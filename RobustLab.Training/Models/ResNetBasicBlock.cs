using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RobustLab.Training.Models;

/// <summary>
/// The basic block of the CIFAR ResNets (He et al. 2016, section 4.2): conv3x3 - BN - ReLU - conv3x3 - BN, plus the
/// shortcut, then ReLU. The shortcut is option A: identity, or where the block halves the side and widens the
/// channels, the input subsampled by 2 with zero channels added on both sides (no parameters, as in the paper's
/// ResNet-20 with 0.27M parameters). State-dict names: conv1, bn1, conv2, bn2 as in torchvision's BasicBlock.
/// </summary>
public sealed class ResNetBasicBlock : Module<Tensor, Tensor>
{
    readonly Conv2d conv1, conv2;
    readonly BatchNorm2d bn1, bn2;
    readonly int _stride;
    readonly long _extraChannels;

    public ResNetBasicBlock(long inChannels, long outChannels, int stride) : base(nameof(ResNetBasicBlock))
    {
        conv1 = Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(outChannels);
        conv2 = Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        bn2 = BatchNorm2d(outChannels);
        _stride = stride;
        _extraChannels = outChannels - inChannels;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = functional.relu(bn1.call(conv1.call(x)));
        y = bn2.call(conv2.call(y));
        return functional.relu(y.add_(Shortcut(x))).MoveToOuterDisposeScope();
    }

    Tensor Shortcut(Tensor x)
    {
        if (_stride == 1 && _extraChannels == 0) return x;
        var sub = _stride == 1 ? x : x.slice(2, 0, x.shape[2], _stride).slice(3, 0, x.shape[3], _stride);
        long before = _extraChannels / 2;
        return functional.pad(sub, [0, 0, 0, 0, before, _extraChannels - before]);
    }
}
