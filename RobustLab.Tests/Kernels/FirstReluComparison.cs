using static TorchSharp.torch;

namespace RobustLab.Tests.Kernels;

/// <summary>
/// What the regulariser's first-ReLU functions are compared on: the output and the gradients with respect to mu and s
/// of sum(output * upstream), and a closeness check scaled to the expected values.
/// </summary>
static class FirstReluComparison
{
    public static (Tensor Output, Tensor GradMu, Tensor GradS) Run(Func<Tensor, Tensor, Tensor> f, Tensor mu0, Tensor s0, Tensor upstream)
    {
        var mu = mu0.detach().clone().requires_grad_(true);
        var s = s0.detach().clone().requires_grad_(true);
        var output = f(mu, s);
        (output * upstream).sum().backward();
        return (output.detach(), mu.grad!, s.grad!);
    }

    /// <summary>max |actual - expected| at most tolerance times max(1, max |expected|).</summary>
    public static void AssertClose(Tensor actual, Tensor expected, double tolerance, string what)
    {
        using var a = actual.to_type(ScalarType.Float64);
        double scale = Math.Max(1, expected.abs().max().item<double>());
        double worst = (a - expected).abs().max().item<double>();
        Assert.True(worst <= tolerance * scale, $"{what}: max |difference| {worst:E3} (scale {scale:G4})");
    }
}
