using RobustLab.Training.Certification;

namespace RobustLab.Tests.Certification;

/// <summary>
/// The one-sided Clopper-Pearson lower bound. References: (5, 10, 0.025) is the textbook 95% interval for 5 of 10,
/// [0.1871, 0.8129]; the others were computed to 17 digits with mpmath (50-digit arithmetic) by bisecting the exact
/// identity I_x(k, n - k + 1) = P(Bin(n, x) >= k) = alpha, the binomial tail summed term by term (scipy was not on the
/// machine; statsmodels' proportion_confint(k, n, 2 alpha, "beta")[0] is the same quantity).
/// </summary>
public sealed class ClopperPearsonTests
{
    [Theory]
    [InlineData(5, 10, 0.025, 0.18708602844739853)]
    [InlineData(0, 10, 0.05, 0.0)]
    [InlineData(10, 10, 0.05, 0.74113444910694772)]
    [InlineData(1, 10, 0.05, 0.0051161968918237014)]
    [InlineData(3, 7, 0.1, 0.16963841739720055)]
    [InlineData(50, 100, 0.001, 0.34479800642531776)]
    [InlineData(99, 100, 0.001, 0.91137311129604243)]
    [InlineData(100, 100, 0.001, 0.93325430079699104)]
    [InlineData(9000, 10000, 0.001, 0.89040973367490644)]
    [InlineData(9990, 10000, 0.001, 0.99758830803256825)]
    [InlineData(10000, 10000, 0.001, 0.99930946300258992)]
    [InlineData(70000, 100000, 0.001, 0.69550351519519134)]
    public void Lower_bound_matches_the_exact_beta_quantile(int k, int n, double alpha, double expected) =>
        Assert.Equal(expected, ClopperPearson.LowerBound(k, n, alpha), 1e-10);

    [Fact]
    public void All_successes_give_the_closed_form_alpha_to_the_one_over_n() =>
        Assert.Equal(Math.Pow(0.001, 1.0 / 10_000), ClopperPearson.LowerBound(10_000, 10_000, 0.001), 1e-15);

    /// <summary>
    /// The bound is a (1 - alpha) bound: over binomial draws with a known p, p is below it at most alpha of the time.
    /// Checked exactly (sum of the binomial pmf over the k that miss) and by seeded Monte Carlo.
    /// </summary>
    [Theory]
    [InlineData(0.3, 40, 0.05)]
    [InlineData(0.9, 100, 0.01)]
    [InlineData(0.55, 25, 0.1)]
    public void Lower_bound_covers_the_true_p_at_least_one_minus_alpha_of_the_time(double p, int n, double alpha)
    {
        var lower = Enumerable.Range(0, n + 1).Select(k => ClopperPearson.LowerBound(k, n, alpha)).ToArray();
        var binomial = new MathNet.Numerics.Distributions.Binomial(p, n);
        double exactCoverage = Enumerable.Range(0, n + 1).Where(k => lower[k] <= p).Sum(k => binomial.Probability(k));
        Assert.True(exactCoverage >= 1 - alpha, $"exact coverage {exactCoverage} < {1 - alpha}");

        const int draws = 20_000;
        var random = new Random(1234);
        int covered = 0;
        for (int d = 0; d < draws; d++)
        {
            int k = 0;
            for (int i = 0; i < n; i++) if (random.NextDouble() < p) k++;
            if (lower[k] <= p) covered++;
        }
        double coverage = covered / (double)draws;
        double standardError = Math.Sqrt(exactCoverage * (1 - exactCoverage) / draws);
        Assert.InRange(coverage, exactCoverage - 4 * standardError - 1e-9, exactCoverage + 4 * standardError + 1e-9);
        Assert.True(coverage >= 1 - alpha - 4 * Math.Sqrt(alpha * (1 - alpha) / draws), $"Monte-Carlo coverage {coverage}");
    }

    [Theory]
    [InlineData(-1, 10, 0.05)]
    [InlineData(11, 10, 0.05)]
    [InlineData(1, 0, 0.05)]
    [InlineData(1, 10, 0.0)]
    [InlineData(1, 10, 1.0)]
    public void Impossible_counts_or_alpha_are_rejected(int k, int n, double alpha) =>
        Assert.ThrowsAny<ArgumentException>(() => ClopperPearson.LowerBound(k, n, alpha));
}
