using MathNet.Numerics.Distributions;

namespace RobustLab.Web.Comparison;

/// <summary>
/// Welch's unequal-variances t-test of two seed spreads: t = (mean1 - mean2) / sqrt(v1/n1 + v2/n2), the
/// Welch-Satterthwaite degrees of freedom df = (v1/n1 + v2/n2)^2 / ((v1/n1)^2/(n1-1) + (v2/n2)^2/(n2-1)), and the
/// two-sided p-value 2 P(T_df &gt;= |t|). Seeds are few and their variances differ between methods (augmentation
/// draws noise, the regulariser does not), so the pooled-variance Student test would be the wrong one.
/// </summary>
public static class WelchTest
{
    /// <summary>
    /// The test of <paramref name="first"/> against <paramref name="second"/>, or null when either has fewer than two
    /// runs (no variance, no test). When both variances are zero the statistic is not defined: equal means give
    /// t = 0 and p = 1, different means t = ±infinity and p = 0 (every seed agrees, so the difference is exact), with
    /// df = n1 + n2 - 2.
    /// </summary>
    public static WelchResult? Compare(SeedSpread first, SeedSpread second)
    {
        if (first.Variance is not { } v1 || second.Variance is not { } v2) return null;
        double difference = first.Mean - second.Mean;
        double a = v1 / first.N, b = v2 / second.N;
        if (a + b == 0)
        {
            int pooled = first.N + second.N - 2;
            return difference == 0
                ? new WelchResult(difference, 0, pooled, 1)
                : new WelchResult(difference, difference > 0 ? double.PositiveInfinity : double.NegativeInfinity, pooled, 0);
        }
        double t = difference / Math.Sqrt(a + b);
        double df = (a + b) * (a + b) / (a * a / (first.N - 1) + b * b / (second.N - 1));
        // The upper tail directly (not 1 - CDF), so a small p-value keeps its digits.
        double p = 2 * StudentT.CDF(0, 1, df, -Math.Abs(t));
        return new WelchResult(difference, t, df, Math.Min(1, p));
    }
}

/// <summary>Welch's test: the difference of means (first - second), t, the Welch-Satterthwaite df, the two-sided p-value.</summary>
public sealed record WelchResult(double Difference, double T, double DegreesOfFreedom, double PValue);
