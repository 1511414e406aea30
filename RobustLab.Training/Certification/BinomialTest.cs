using MathNet.Numerics.Distributions;

namespace RobustLab.Training.Certification;

/// <summary>The exact two-sided binomial test against p = 1/2 (docs/method.md, section "Certified robustness").</summary>
public static class BinomialTest
{
    /// <summary>
    /// Two-sided p-value of k successes in n trials when p = 1/2: the probability of every outcome no more likely than k
    /// (scipy's binomtest). The distribution is symmetric, so that is 2 P(X &lt;= min(k, n - k)), capped at 1.
    /// </summary>
    public static double TwoSidedPValue(long successes, long trials)
    {
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), trials, "trials must be >= 1.");
        if (successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"successes must be in [0, {trials}].");
        long tail = Math.Min(successes, trials - successes);
        if (2 * tail >= trials) return 1; // k = n/2: every outcome is as likely or less
        double lowerTail = tail == 0 ? Math.Pow(0.5, trials) : Binomial.CDF(0.5, checked((int)trials), tail);
        return Math.Min(1, 2 * lowerTail);
    }
}
