using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Moments;
using RobustLab.Training.Objectives;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Kernels;

/// <summary>The networks and the regulariser with the fused kernels give what the plain libtorch composition gives.</summary>
public class FusedNetworkTests
{
    public FusedNetworkTests() => TorchRuntime.EnsureLoaded();

    /// <summary>The paper's LeNet and AlexNet written out with libtorch's relu and max_pool2d only.</summary>
    static Tensor PlainForward(SplitNetwork net, Tensor x)
    {
        var m = net.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        Tensor ReluPool(Tensor t) => nn.functional.max_pool2d(nn.functional.relu(t), 2);
        Tensor Relu(Tensor t) => nn.functional.relu(t);
        if (net is LeNet)
        {
            var z = ReluPool(m["conv2"].call(ReluPool(m["conv1"].call(x))));
            return m["fc2"].call(Relu(m["fc1"].call(z.flatten(1))));
        }
        var a = ReluPool(m["conv2"].call(ReluPool(m["conv1"].call(x))));
        a = ReluPool(m["conv5"].call(Relu(m["conv4"].call(Relu(m["conv3"].call(a))))));
        return m["fc3"].call(Relu(m["fc2"].call(Relu(m["fc1"].call(a.flatten(1))))));
    }

    // AlexNet at 64x64 has 8 windows per row after conv1, so its first pool takes the vector path.
    [Theory]
    [InlineData("lenet", 1, 28)]
    [InlineData("alexnet", 3, 64)]
    public void Forward_equals_the_plain_libtorch_network_exactly(string architecture, int channels, int side)
    {
        using var net = ModelFactory.Create(new ModelSpec(architecture, new ImageShape(channels, side, side), 10, Normalization.Identity(channels)));
        using var generator = SeededNoise.Generator(31);
        using var x = rand([4, channels, side, side], generator: generator);
        using var _ = no_grad();
        Assert.True(net.OmegaStartsWithMaxPool2);
        using var fused = net.call(x);
        using var plain = PlainForward(net, x);
        Assert.True(fused.eq(plain).all().item<bool>(), "logits differ");
    }

    [Fact]
    public void Regulariser_loss_and_gradients_equal_the_unfused_composition()
    {
        using var net = ModelFactory.Create(new ModelSpec("lenet", new ImageShape(1, 28, 28), 10, new Normalization([0.3f], [0.35f])));
        using var generator = SeededNoise.Generator(32);
        using var x = rand([16, 1, 28, 28], generator: generator);
        using var y = randint(0, 10, [16], generator: generator);
        var objective = new MomentRegularizerObjective(net, 0.3, 0.7, CPU);

        var fusedLoss = objective.Compute(net, new TrainingBatch(x, y)).Loss;
        fusedLoss.backward();
        var fusedGrads = net.parameters().Select(p => p.grad!.clone()).ToList();
        net.zero_grad();

        using var inputVariance = VarianceMap.InputVariance(0.3, [0.35f], 28, 28, CPU);
        var mu = net.PreActivation(x);
        var s = VarianceMap.StdThroughFirstLayer(net.Upsilon, inputVariance);
        var logits = net.Omega(cat([nn.functional.relu(mu), ReluMoments.Mean(mu, s)], 0));
        var plainLoss = nn.functional.cross_entropy(logits.narrow(0, 0, 16), y) + 0.7 * nn.functional.cross_entropy(logits.narrow(0, 16, 16), y);
        plainLoss.backward();

        Assert.Equal(plainLoss.item<float>(), fusedLoss.item<float>(), 5);
        foreach (var (fused, (name, p)) in fusedGrads.Zip(net.named_parameters()))
            Assert.True(allclose(fused, p.grad!, 1e-4, 1e-6), $"gradient of {name} differs");
    }
}
