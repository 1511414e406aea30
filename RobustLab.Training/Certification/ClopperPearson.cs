using MathNet.Numerics.Distributions;

namespace RobustLab.Training.Certification;

/// <summary>
/// The exact (Clopper-Pearson) confidence bound for a binomial proportion (docs/method.md, section "Certified robustness").
/// </summary>
public static class ClopperPearson
{
    /// <summary>
    /// One-sided (1 - alpha) lower bound on p from k successes in n trials: the alpha quantile of Beta(k, n - k + 1),
    /// and 0 when k = 0. It is the lower end of the two-sided (1 - 2 alpha) interval, which is how Cohen et al. call it.
    /// </summary>
    public static double LowerBound(long successes, long trials, double alpha)
    {
        Check(successes, trials, alpha);
        if (successes == 0) return 0;
        // Beta(n, 1) has the closed-form quantile alpha^(1/n); the root finder would only approximate it.
        if (successes == trials) return Math.Pow(alpha, 1.0 / trials);
        return Beta.InvCDF(successes, trials - successes + 1, alpha);
    }

    internal static void Check(long successes, long trials, double alpha)
    {
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), trials, "trials must be >= 1.");
        if (successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"successes must be in [0, {trials}].");
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in (0, 1).");
    }
}
