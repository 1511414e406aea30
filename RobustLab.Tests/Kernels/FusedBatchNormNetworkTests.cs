using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Moments;
using RobustLab.Training.Objectives;
using RobustLab.Training.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobustLab.Tests.Kernels;

/// <summary>
/// The fused kernels in the batch-normalised networks give what libtorch's composition gives: VGG-11-BN's Omega starts
/// with a 2x2 max-pool (the ReLU-pool kernels); ResNet-20's starts with a residual stage (the one-pass ReLU kernel).
/// </summary>
public class FusedBatchNormNetworkTests
{
    public FusedBatchNormNetworkTests() => TorchRuntime.EnsureLoaded();

    /// <summary>Seeded weights: the global generator is shared with tests running in parallel, so an unseeded draw varies.</summary>
    static SplitNetwork Vgg()
    {
        lock (GlobalRandom.Sync)
        {
            manual_seed(11);
            return ModelFactory.Create(new ModelSpec("vgg11bn", new ImageShape(1, 28, 28), 10, new Normalization([0.3f], [0.35f])));
        }
    }

    /// <summary>torchvision's vgg11_bn forward with libtorch's relu and max_pool2d only, on pixels padded with black.</summary>
    static Tensor PlainForward(SplitNetwork net, Tensor pixels)
    {
        var modules = net.named_modules().ToDictionary(m => m.name, m => m.module);
        var x = net.Normalize(nn.functional.pad(pixels, [2, 2, 2, 2]));
        foreach (int i in new[] { 0, 4, 8, 11, 15, 18, 22, 25 })
        {
            x = nn.functional.relu(((BatchNorm2d)modules[$"features.{i + 1}"]).call(((Conv2d)modules[$"features.{i}"]).call(x)));
            if (i is 0 or 4 or 11 or 18 or 25) x = nn.functional.max_pool2d(x, 2);
        }
        return ((Linear)modules["classifier"]).call(x.flatten(1));
    }

    [Fact]
    public void Vgg11bn_forward_equals_the_plain_libtorch_network()
    {
        using var net = Vgg();
        net.eval();
        using var generator = SeededNoise.Generator(41);
        using var x = rand([4, 1, 28, 28], generator: generator);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        Assert.True(net.OmegaStartsWithMaxPool2);
        // Padding in normalised units and padding the pixels before normalising agree up to rounding of the black value.
        Assert.True(allclose(net.call(x), PlainForward(net, x), 1e-4, 1e-5), "logits differ");
    }

    static SplitNetwork Resnet()
    {
        lock (GlobalRandom.Sync)
        {
            manual_seed(12);
            return ModelFactory.Create(new ModelSpec("resnet20", new ImageShape(1, 28, 28), 10, new Normalization([0.3f], [0.35f])));
        }
    }

    [Fact]
    public void Resnet20_takes_the_unpooled_path()
    {
        using var net = Resnet();
        Assert.False(net.OmegaStartsWithMaxPool2);
    }

    /// <summary>
    /// The fused first ReLUs (VGG-11-BN: the ReLU-pool kernel; ResNet-20: the one-pass ReLU kernel) against libtorch's
    /// relu and ReluMoments.Mean, with each path through Omega on its own (docs/method.md, section "Batch normalisation
    /// inside Omega").
    /// </summary>
    [Theory]
    [InlineData("vgg11bn")]
    [InlineData("resnet20")]
    public void Regulariser_loss_and_gradients_in_training_mode_equal_the_unfused_composition(string model)
    {
        using var net = model == "vgg11bn" ? Vgg() : Resnet();
        net.train();
        using var generator = SeededNoise.Generator(42);
        using var x = rand([8, 1, 28, 28], generator: generator);
        using var y = randint(0, 10, [8], generator: generator);
        var objective = new MomentRegularizerObjective(net, 0.3, 0.7, CPU);

        var fusedLoss = objective.Compute(net, new TrainingBatch(x, y)).Loss;
        fusedLoss.backward();
        var fusedGrads = net.parameters().Select(p => p.grad!.clone()).ToList();
        net.zero_grad();

        using var inputVariance = VarianceMap.InputVariance(0.3, [0.35f], 28, 28, CPU);
        var mu = net.PreActivation(x);
        var s = VarianceMap.StdThroughFirstLayer(net.Upsilon, inputVariance);
        var clean = net.Omega(nn.functional.relu(mu));
        var mean = net.Omega(ReluMoments.Mean(mu, s));
        var plainLoss = nn.functional.cross_entropy(clean, y) + 0.7 * nn.functional.cross_entropy(mean, y);
        plainLoss.backward();

        Assert.Equal(plainLoss.item<float>(), fusedLoss.item<float>(), 4);
        // Norms, not entries: behind batch norm the first conv's gradients are tiny (its bias's is exactly 0 in exact
        // arithmetic, as BN removes a constant shift), so entry-wise tolerances compare float rounding of near-zero sums.
        // A gradient matches when it differs by 0.1% of its own norm, or of 1% of the network's largest gradient norm.
        var named = net.named_parameters().ToList();
        double largest = named.Max(np => (double)np.parameter.grad!.norm().item<float>());
        foreach (var (fused, (name, p)) in fusedGrads.Zip(named))
        {
            double difference = (fused - p.grad!).norm().item<float>(), size = p.grad!.norm().item<float>();
            Assert.True(difference <= 1e-3 * Math.Max(size, 1e-2 * largest),
                $"gradient of {name} differs: |fused - plain| = {difference:E2}, |plain| = {size:E2}, largest gradient norm {largest:E2}");
        }
    }
}
