using RobustLab.Training.Certification;

namespace RobustLab.Tests.Certification;

/// <summary>
/// The exact two-sided binomial test at p = 1/2. References are exact rationals, 2 sum_{i &lt;= min(k, n-k)} C(n, i) / 2^n
/// capped at 1, computed with Python's integers; (60, 100) is R's binom.test(60, 100) p-value 0.05689.
/// </summary>
public sealed class BinomialTestTests
{
    [Theory]
    [InlineData(5, 10, 1.0)]
    [InlineData(0, 10, 0.001953125)]
    [InlineData(10, 10, 0.001953125)]
    [InlineData(2, 10, 0.109375)]
    [InlineData(8, 20, 0.50344467163085938)]
    [InlineData(60, 100, 0.056887933640980792)]
    [InlineData(40, 100, 0.056887933640980792)]
    [InlineData(1, 1, 1.0)]
    [InlineData(5, 5, 0.0625)]
    [InlineData(15, 30, 1.0)]
    [InlineData(20, 30, 0.098737146705389023)]
    [InlineData(24, 30, 0.001430906355381012)]
    [InlineData(530, 1000, 0.062023195098363181)]
    [InlineData(5100, 10000, 0.046585527704947389)]
    [InlineData(5200, 10000, 6.5935155986724421e-5)]
    public void P_value_matches_the_exact_sum(int k, int n, double expected) =>
        Assert.Equal(expected, BinomialTest.TwoSidedPValue(k, n), expected * 1e-9);

    [Theory]
    [InlineData(99, 100, 1.5934990285464438e-28)]
    [InlineData(100, 100, 1.5777218104420236e-30)]
    public void Tiny_p_values_keep_their_relative_precision(int k, int n, double expected) =>
        Assert.Equal(1, BinomialTest.TwoSidedPValue(k, n) / expected, 1e-9);

    /// <summary>Under p = 1/2 the test rejects at level alpha at most alpha of the time: exactly and by seeded Monte Carlo.</summary>
    [Theory]
    [InlineData(30, 0.05)]
    [InlineData(101, 0.01)]
    public void Test_rejects_a_fair_coin_at_most_alpha_of_the_time(int n, double alpha)
    {
        var rejects = Enumerable.Range(0, n + 1).Select(k => BinomialTest.TwoSidedPValue(k, n) <= alpha).ToArray();
        var fair = new MathNet.Numerics.Distributions.Binomial(0.5, n);
        double exactSize = Enumerable.Range(0, n + 1).Where(k => rejects[k]).Sum(k => fair.Probability(k));
        Assert.True(exactSize <= alpha, $"exact size {exactSize} > {alpha}");

        const int draws = 20_000;
        var random = new Random(99);
        int rejected = 0;
        for (int d = 0; d < draws; d++)
        {
            int k = 0;
            for (int i = 0; i < n; i++) if (random.Next(2) == 1) k++;
            if (rejects[k]) rejected++;
        }
        double size = rejected / (double)draws;
        Assert.True(size <= alpha + 4 * Math.Sqrt(alpha * (1 - alpha) / draws), $"Monte-Carlo size {size} > {alpha}");
        Assert.InRange(size, exactSize - 4 * Math.Sqrt(exactSize * (1 - exactSize) / draws) - 1e-9,
            exactSize + 4 * Math.Sqrt(exactSize * (1 - exactSize) / draws) + 1e-9);
    }

    [Fact]
    public void A_clear_majority_is_significant_and_a_near_tie_is_not()
    {
        Assert.True(BinomialTest.TwoSidedPValue(80, 100) <= 0.001);
        Assert.True(BinomialTest.TwoSidedPValue(55, 100) > 0.001);
    }
}
