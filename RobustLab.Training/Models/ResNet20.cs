using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RobustLab.Training.Models;

/// <summary>
/// ResNet-20 for CIFAR (He et al. 2016, section 4.2; docs/method.md, section "Architectures"): the stem
/// conv3x3(C->16) - BN - ReLU, then three stages of three <see cref="ResNetBasicBlock"/>s at 16, 32 and 64 channels
/// (the second and third start with stride 2 and option-A shortcuts), global average pool, linear(64 -> K).
/// Upsilon is the stem's conv - BN (a <see cref="FirstBlock"/>); Omega is the rest, starting with the first stage.
/// State-dict names as torchvision's ResNet: conv1, bn1, layer1.0.conv1 ... layer3.2.bn2, fc.
/// The global pool fits any side; square sides that are not a multiple of 4 are padded up to one.
/// </summary>
public sealed class ResNet20 : SplitNetwork
{
    const int BlocksPerStage = 3;

    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly ModuleList<ResNetBasicBlock> layer1, layer2, layer3;
    readonly Linear fc;
    readonly FirstBlock upsilon;

    public ResNet20(ModelSpec spec) : base("ResNet20", spec)
    {
        var (c, _, _) = ModelFactory.PaddedInput(spec);
        conv1 = Conv2d(c, 16, 3, padding: 1, bias: false);
        bn1 = BatchNorm2d(16);
        layer1 = Stage(16, 16, 1);
        layer2 = Stage(16, 32, 2);
        layer3 = Stage(32, 64, 2);
        fc = Linear(64, spec.Classes);
        RegisterComponents();
        // Made after RegisterComponents so that it is not registered: conv1 and bn1 keep their own names.
        upsilon = new FirstBlock(conv1, bn1, ModelFactory.Padding(spec), spec.Normalization);
    }

    static ModuleList<ResNetBasicBlock> Stage(long inChannels, long outChannels, int stride) =>
        new(Enumerable.Range(0, BlocksPerStage)
            .Select(i => new ResNetBasicBlock(i == 0 ? inChannels : outChannels, outChannels, i == 0 ? stride : 1)).ToArray());

    public override Module<Tensor, Tensor> Upsilon => upsilon;

    public override Tensor Omega(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = z;
        foreach (var stage in new[] { layer1, layer2, layer3 })
            foreach (var block in stage) x = block.call(x);
        return fc.call(x.mean([2, 3])).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) upsilon.Dispose();
        base.Dispose(disposing);
    }
}
