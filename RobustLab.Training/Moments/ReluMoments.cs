using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Moments;

/// <summary>Moments of ReLU under Gaussian input (docs/method.md, section "ReLU moments").</summary>
public static class ReluMoments
{
    // Below this standard deviation the closed form is replaced by its limit max(mu, 0).
    const double TinySigma = 1e-12;

    /// <summary>
    /// T(mu, s) = E[max(z, 0)] for z ~ N(mu, s^2) = mu * Phi(mu / s) + s * phi(mu / s), element-wise.
    /// Safe at s = 0: the formula is evaluated with s replaced by 1 where s is tiny (so neither value nor
    /// gradient of the discarded branch is NaN) and the limit relu(mu) is selected there.
    /// </summary>
    public static Tensor Mean(Tensor mu, Tensor s)
    {
        using var scope = NewDisposeScope();
        var tiny = s.le(TinySigma);
        var safeS = where(tiny, ones_like(s), s);
        var t = mu / safeS;
        var pdf = exp(t.square() * -0.5) * (1.0 / Math.Sqrt(2 * Math.PI));
        var closed = mu * special.ndtr(t) + safeS * pdf;
        return where(tiny, nn.functional.relu(mu), closed).MoveToOuterDisposeScope();
    }

    /// <summary>T for a scalar, in double precision (for tests and reference values).</summary>
    public static double Mean(double mu, double s)
    {
        if (s <= TinySigma) return Math.Max(mu, 0);
        double t = mu / s;
        return mu * NormalCdf(t) + s * Math.Exp(-0.5 * t * t) / Math.Sqrt(2 * Math.PI);
    }

    static double NormalCdf(double t) => 0.5 * Erfc(-t / Math.Sqrt(2));

    // Complementary error function (Numerical Recipes' erfcc, relative error < 1.2e-7).
    static double Erfc(double x)
    {
        double z = Math.Abs(x), t = 1 / (1 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
