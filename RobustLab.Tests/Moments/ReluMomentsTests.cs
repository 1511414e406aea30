using RobustLab.Training.Moments;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Moments;

[Collection(RobustLab.Tests.Loop.GlobalTorchRngCollection.Name)]
public class ReluMomentsTests
{
    public ReluMomentsTests() => TorchRuntime.EnsureLoaded();

    static double MonteCarloMean(double mu, double s, int samples, int seed)
    {
        manual_seed(seed);
        using var z = randn(samples, dtype: ScalarType.Float64) * s + mu;
        using var relu = nn.functional.relu(z);
        return relu.mean().item<double>();
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 0.5)]
    [InlineData(-1.0, 0.5)]
    [InlineData(2.0, 3.0)]
    [InlineData(0.3, 1e-4)]   // s -> 0
    [InlineData(-0.3, 1e-4)]
    [InlineData(5.0, 0.1)]    // large |mu| / s
    [InlineData(-5.0, 0.1)]
    public void ReluMean_matches_monte_carlo(double mu, double s)
    {
        const int samples = 400_000;
        double mc = MonteCarloMean(mu, s, samples, seed: 7);
        using var t = ReluMoments.Mean(tensor(new[] { mu }), tensor(new[] { s }));
        double analytic = t.item<double>();
        // E[relu(z)^2] <= mu^2 + s^2 bounds the variance, so 5 standard errors is a safe tolerance.
        double tolerance = 5 * Math.Sqrt((mu * mu + s * s) / samples) + 1e-12;
        Assert.InRange(analytic - mc, -tolerance, tolerance);
        Assert.Equal(ReluMoments.Mean(mu, s), analytic, 6);
    }

    [Theory]
    [InlineData(-1.5)]
    [InlineData(0.0)]
    [InlineData(2.5)]
    public void ReluMean_at_zero_sigma_is_relu_with_finite_gradients(double mu)
    {
        using var m = tensor(new[] { (float)mu }, requires_grad: true);
        using var s = tensor(new[] { 0f }, requires_grad: true);
        using var t = ReluMoments.Mean(m, s);
        t.sum().backward();
        Assert.Equal(Math.Max(mu, 0), t.item<float>(), 6);
        Assert.True(float.IsFinite(m.grad!.item<float>()), "d/dmu is not finite at s = 0");
        Assert.True(float.IsFinite(s.grad!.item<float>()), "d/ds is not finite at s = 0");
        if (mu != 0) Assert.Equal(mu > 0 ? 1f : 0f, m.grad!.item<float>());
    }

    [Fact]
    public void ReluMean_gradients_match_the_closed_forms()
    {
        // dT/dmu = Phi(mu/s) and dT/ds = phi(mu/s).
        var mus = new[] { -2.0, -0.5, 0.0, 0.7, 3.0 };
        var sigmas = new[] { 0.5, 1.0, 2.0, 0.3, 1.5 };
        using var m = tensor(mus, requires_grad: true);
        using var s = tensor(sigmas, requires_grad: true);
        using var t = ReluMoments.Mean(m, s);
        t.sum().backward();
        var dm = m.grad!.data<double>().ToArray();
        var ds = s.grad!.data<double>().ToArray();
        for (int i = 0; i < mus.Length; i++)
        {
            double x = mus[i] / sigmas[i];
            double pdf = Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);
            double cdf = (ReluMoments.Mean(x, 1) - pdf) / (x == 0 ? double.NaN : x);
            if (x != 0) Assert.Equal(cdf, dm[i], 5);
            else Assert.Equal(0.5, dm[i], 6);
            Assert.Equal(pdf, ds[i], 6);
        }
    }

    [Fact]
    public void ReluMean_is_finite_for_extreme_ratios()
    {
        using var m = tensor(new[] { -1e4f, 1e4f, -30f, 30f, 1e-30f });
        using var s = tensor(new[] { 1e-3f, 1e-3f, 1f, 1f, 1e-30f });
        using var t = ReluMoments.Mean(m, s);
        var v = t.data<float>().ToArray();
        Assert.All(v, x => Assert.True(float.IsFinite(x)));
        Assert.Equal(0f, v[0], 6);
        Assert.Equal(1e4f, v[1], 1);
        Assert.Equal(30f, v[3], 4);
    }
}
