using RobustLab.Training.Kernels;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Kernels;

/// <summary>The fused first ReLU + 2x2 max-pool against libtorch's max_pool2d(relu(x), 2): same values, same gradients.</summary>
public class ReluMaxPool2Tests
{
    public ReluMaxPool2Tests() => TorchRuntime.EnsureLoaded();

    static (Tensor Output, Tensor Grad) Run(Func<Tensor, Tensor> f, Tensor x0, Tensor upstream)
    {
        var x = x0.detach().requires_grad_(true);
        var output = f(x);
        (output * upstream).sum().backward();
        return (output.detach(), x.grad!);
    }

    static Tensor Libtorch(Tensor x) => nn.functional.max_pool2d(nn.functional.relu(x), 2);

    // Sides chosen to cover the AVX2 blocks of 8 windows exactly (16), with an overlapping last block (28, 40),
    // and rows too short for a block (8).
    [Theory]
    [InlineData(2, 3, 28, 28)]
    [InlineData(2, 3, 16, 16)]
    [InlineData(1, 2, 6, 40)]
    [InlineData(3, 4, 8, 8)]
    public void Equals_libtorch_exactly(int n, int c, int h, int w)
    {
        using var generator = SeededNoise.Generator(11);
        using var x = randn([n, c, h, w], generator: generator);
        using var upstream = randn([n, c, h / 2, w / 2], generator: generator);
        Assert.True(ReluMaxPool2.Supports(x));

        var fused = Run(ReluMaxPool2.Apply, x, upstream);
        var reference = Run(Libtorch, x, upstream);

        Assert.True(fused.Output.eq(reference.Output).all().item<bool>(), "values differ");
        Assert.True(fused.Grad.eq(reference.Grad).all().item<bool>(), "gradients differ");
    }

    [Fact]
    public void Ties_send_the_gradient_where_libtorch_does()
    {
        // Values on a coarse grid: most windows hold equal maxima, zeros and negative-only windows.
        using var generator = SeededNoise.Generator(12);
        using var x = (randn([2, 3, 12, 28], generator: generator) * 2).round() / 2;
        using var upstream = randn([2, 3, 6, 14], generator: generator);

        var fused = Run(ReluMaxPool2.Apply, x, upstream);
        var reference = Run(Libtorch, x, upstream);

        Assert.True(fused.Output.eq(reference.Output).all().item<bool>(), "values differ");
        Assert.True(fused.Grad.eq(reference.Grad).all().item<bool>(), "gradients differ");
    }

    [Fact]
    public void NaN_propagates_as_in_libtorch()
    {
        using var generator = SeededNoise.Generator(14);
        using var x = randn([2, 2, 4, 28], generator: generator);
        foreach (var (i, j) in new[] { (0, 0), (1, 5), (2, 17), (3, 27) })
            x[0, 1, i, j] = tensor(float.NaN);
        using var upstream = randn([2, 2, 2, 14], generator: generator);

        var fused = Run(ReluMaxPool2.Apply, x, upstream);
        var reference = Run(Libtorch, x, upstream);

        Assert.True(fused.Output.isnan().sum().item<long>() == 4, "each NaN window gives NaN");
        Assert.True(fused.Output.isnan().eq(reference.Output.isnan()).all().item<bool>(), "NaN places differ");
        Assert.True(fused.Output.nan_to_num().eq(reference.Output.nan_to_num()).all().item<bool>(), "values differ");
        Assert.True(fused.Grad.eq(reference.Grad).all().item<bool>(), "gradients differ");
    }

    [Fact]
    public void Other_types_and_odd_sides_fall_back_to_libtorch()
    {
        using var generator = SeededNoise.Generator(13);
        using var x64 = randn([2, 2, 8, 8], dtype: ScalarType.Float64, generator: generator);
        using var odd = randn([2, 2, 7, 8], generator: generator);
        Assert.False(ReluMaxPool2.Supports(x64));
        Assert.False(ReluMaxPool2.Supports(odd));
        using var a = ReluMaxPool2.Apply(x64);
        using var b = ReluMaxPool2.Apply(odd);
        Assert.True(a.eq(Libtorch(x64)).all().item<bool>());
        Assert.True(b.eq(Libtorch(odd)).all().item<bool>());
    }
}
