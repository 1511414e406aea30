using RobustLab.Training.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RobustLab.Training.Models;

/// <summary>
/// VGG-11 with batch normalisation (Simonyan and Zisserman 2015, configuration A; docs/method.md, section
/// "Architectures") sized for 32x32: eight conv3x3 - BN - ReLU blocks at 64, M, 128, M, 256, 256, M, 512, 512, M,
/// 512, 512, M (M a 2x2 max-pool), then one linear(512 (S/32)^2 -> K), as the usual CIFAR variants. Upsilon is the
/// first conv - BN; Omega starts with a 2x2 max-pool, so the fused ReLU-pool kernels apply. State-dict names as
/// torchvision's vgg11_bn: features.{0,4,8,11,15,18,22,25} convs, features.{1,5,...,26} BNs, classifier.
/// Square sides that are not a multiple of 32 (28x28) are padded up to one.
/// </summary>
public sealed class Vgg11Bn : SplitNetwork
{
    // Output channels of each conv; true where a 2x2 max-pool follows its ReLU.
    static readonly (int Channels, bool Pool)[] Blocks =
        [(64, true), (128, true), (256, false), (256, true), (512, false), (512, true), (512, false), (512, true)];

    readonly Sequential features;
    readonly Linear classifier;
    Conv2d[] _convs = [];
    BatchNorm2d[] _norms = [];
    FirstBlock? _upsilon;

    public Vgg11Bn(ModelSpec spec) : base("Vgg11Bn", spec)
    {
        var (c, h, w) = ModelFactory.PaddedInput(spec);
        var named = new List<(string, Module<Tensor, Tensor>)>();
        var convs = new List<Conv2d>();
        var norms = new List<BatchNorm2d>();
        long inChannels = c;
        int index = 0;
        foreach (var (channels, pool) in Blocks)
        {
            // torchvision's indices count the ReLU and pool modules too, which hold no weights.
            var conv = Conv2d(inChannels, channels, 3, padding: 1);
            var norm = BatchNorm2d(channels);
            named.Add((index.ToString(), conv));
            named.Add(((index + 1).ToString(), norm));
            convs.Add(conv);
            norms.Add(norm);
            index += pool ? 4 : 3;
            inChannels = channels;
        }
        features = Sequential(named);
        classifier = Linear(512L * (h / 32) * (w / 32), spec.Classes);
        RegisterComponents();
        _convs = [.. convs];
        _norms = [.. norms];
        _upsilon = new FirstBlock(_convs[0], _norms[0], ModelFactory.Padding(spec), spec.Normalization);
    }

    public override Module<Tensor, Tensor> Upsilon => _upsilon!;

    public override bool OmegaStartsWithMaxPool2 => true;

    public override Tensor OmegaAfterPool(Tensor pooled)
    {
        using var scope = NewDisposeScope();
        var x = pooled;
        for (int i = 1; i < Blocks.Length; i++)
        {
            var pre = _norms[i].call(_convs[i].call(x));
            x = Blocks[i].Pool ? ReluMaxPool2.Apply(pre) : functional.relu(pre);
        }
        return classifier.call(x.flatten(1)).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _upsilon?.Dispose();
        base.Dispose(disposing);
    }
}
