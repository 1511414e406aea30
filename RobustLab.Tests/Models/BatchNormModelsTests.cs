using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Models;

/// <summary>ResNet-20 and VGG-11-BN: their PyTorch names and sizes, the padding of 28x28 inputs, and the split Phi = Omega o ReLU o Upsilon.</summary>
public class BatchNormModelsTests
{
    public BatchNormModelsTests() => TorchRuntime.EnsureLoaded();

    static SplitNetwork Create(string model, int channels, int side, int classes = 10) =>
        ModelFactory.Create(new ModelSpec(model, new ImageShape(channels, side, side), classes, new Normalization(
            Enumerable.Repeat(0.3f, channels).ToArray(), Enumerable.Repeat(0.4f, channels).ToArray())));

    [Fact]
    public void Resnet20_has_torchvision_names_and_the_papers_parameter_count()
    {
        using var net = Create("resnet20", 3, 32);
        var names = net.state_dict().Keys.ToList();
        Assert.Contains("conv1.weight", names);
        Assert.Contains("bn1.running_var", names);
        Assert.Contains("layer1.0.conv1.weight", names);
        Assert.Contains("layer3.2.bn2.running_mean", names);
        Assert.Contains("fc.weight", names);
        Assert.DoesNotContain(names, n => n.Contains("downsample") || n.Contains("upsilon") || n.Contains("conv1.bias"));
        // He et al. (2016), Table 6: ResNet-20 has 0.27M parameters (option A shortcuts have none).
        long parameters = net.parameters().Sum(p => p.numel());
        Assert.InRange(parameters, 265_000, 275_000);
        Assert.Equal([10L, 64], net.state_dict()["fc.weight"].shape);
    }

    [Fact]
    public void Vgg11bn_has_torchvision_feature_indices_and_a_32x32_classifier()
    {
        using var net = Create("vgg11bn", 3, 32, classes: 100);
        var dict = net.state_dict();
        var convs = dict.Keys.Where(k => k.StartsWith("features.") && k.EndsWith(".weight") && dict[k].dim() == 4)
            .Select(k => int.Parse(k.Split('.')[1])).Order();
        Assert.Equal([0, 4, 8, 11, 15, 18, 22, 25], convs);
        Assert.Equal([64L], dict["features.1.running_var"].shape);
        Assert.Equal([100L, 512], dict["classifier.weight"].shape);
    }

    [Theory]
    [InlineData("resnet20", 1, 28, 28)]   // global average pool: 28 needs no padding
    [InlineData("vgg11bn", 1, 28, 32)]
    [InlineData("alexnet", 1, 28, 32)]
    [InlineData("vgg11bn", 3, 32, 32)]
    public void Models_pad_to_the_side_they_need_and_say_so(string model, int channels, int side, int padded)
    {
        var spec = new ModelSpec(model, new ImageShape(channels, side, side), 10, Normalization.Identity(channels));
        Assert.Equal(padded, ModelFactory.PaddedInput(spec).Height);
        if (padded == side) Assert.DoesNotContain("padded", spec.Description);
        else Assert.Contains($"{channels}x{side}x{side} inputs padded to {channels}x{padded}x{padded}", spec.Description);
    }

    [Theory]
    [InlineData("resnet20", 1, 28)]
    [InlineData("vgg11bn", 1, 28)]
    [InlineData("alexnet", 1, 28)]
    public void Forward_is_omega_of_relu_of_upsilon_and_padding_is_black_pixels(string model, int channels, int side)
    {
        using var net = Create(model, channels, side);
        net.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var x = rand(3, channels, side, side);
        var logits = net.call(x);
        Assert.Equal([3L, 10], logits.shape);
        Assert.True(logits.eq(net.Omega(nn.functional.relu(net.PreActivation(x)))).all().item<bool>());

        // The same network fed the image already padded with black (0) pixels sees the same first-layer input.
        var block = (FirstBlock)net.Upsilon;
        var (before, after) = block.Padding;
        var padded = nn.functional.pad(x, [before, after, before, after]);
        var direct = block.Conv.call(net.Normalize(padded));
        var viaBlock = block.Conv.call(block.Pad(net.Normalize(x)));
        Assert.True(allclose(direct, viaBlock, 1e-5, 1e-6));
    }
}
