using RobustLab.Training.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RobustLab.Training.Models;

/// <summary>
/// AlexNet for 32x32 inputs as in the paper's reference code (docs/method.md, section "Architectures"), without dropout:
/// conv1(C->64, k11, s4, p5) - ReLU - maxpool(2,2) - conv2(64->192, k5, p2) - ReLU - maxpool(2,2) -
/// conv3(192->384, k3, p1) - ReLU - conv4(384->256, k3, p1) - ReLU - conv5(256->256, k3, p1) - ReLU - maxpool(2,2) -
/// flatten - fc1(256*(S/32)^2 -> 4096) - ReLU - fc2(4096->4096) - ReLU - fc3(4096->K).
/// State-dict names: conv1..conv5 and fc1..fc3, each .weight and .bias, in PyTorch layouts. Square inputs whose side
/// is not a multiple of 32 (28x28 Fashion-MNIST, MNIST) get a black border up to the next multiple inside Upsilon.
/// </summary>
public sealed class AlexNet : SplitNetwork
{
    readonly Conv2d conv1, conv2, conv3, conv4, conv5;
    readonly Linear fc1, fc2, fc3;
    readonly FirstBlock upsilon;

    public AlexNet(ModelSpec spec) : base("AlexNet", spec)
    {
        var (c, h, w) = ModelFactory.PaddedInput(spec);
        conv1 = Conv2d(c, 64, 11, stride: 4, padding: 5);
        conv2 = Conv2d(64, 192, 5, padding: 2);
        conv3 = Conv2d(192, 384, 3, padding: 1);
        conv4 = Conv2d(384, 256, 3, padding: 1);
        conv5 = Conv2d(256, 256, 3, padding: 1);
        fc1 = Linear(256L * (h / 32) * (w / 32), 4096);
        fc2 = Linear(4096, 4096);
        fc3 = Linear(4096, spec.Classes);
        RegisterComponents();
        // Made after RegisterComponents so that it is not registered: it only references conv1, which keeps its name.
        upsilon = new FirstBlock(conv1, null, ModelFactory.Padding(spec), spec.Normalization);
    }

    public override Module<Tensor, Tensor> Upsilon => upsilon;

    public override bool OmegaStartsWithMaxPool2 => true;

    public override Tensor OmegaAfterPool(Tensor pooled)
    {
        using var scope = NewDisposeScope();
        var x = ReluMaxPool2.Apply(conv2.call(pooled));
        x = functional.relu(conv3.call(x));
        x = functional.relu(conv4.call(x));
        x = ReluMaxPool2.Apply(conv5.call(x));
        x = functional.relu(fc1.call(x.flatten(1)));
        x = functional.relu(fc2.call(x));
        return fc3.call(x).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) upsilon.Dispose();
        base.Dispose(disposing);
    }
}
