using RobustLab.Web.Comparison;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>
/// Mean, sample standard deviation and Welch's t-test against known values. The p-value references are closed forms
/// for whole degrees of freedom (df = 2: p = 1 - |t| / sqrt(2 + t^2); df = 4: p = 2 (1 - F), F = 1/2 + 3/8 x (1 - t^2 / (12
/// (1 + t^2/4))), x = t / sqrt(1 + t^2/4)) and, for the others, p = I_{df/(df+t^2)}(df/2, 1/2), the regularised incomplete
/// beta by its continued fraction in Python (no SciPy on the machine), which reproduces the closed forms for df = 1, 2, 4
/// to 14 digits.
/// </summary>
public sealed class SeedSpreadTests
{
    [Fact]
    public void Spread_is_the_mean_and_the_n_minus_1_standard_deviation()
    {
        var spread = SeedSpread.Of([0.90, 0.92, 0.94]);

        Assert.Equal(3, spread.N);
        Assert.Equal(0.92, spread.Mean, 12);
        Assert.Equal(0.02, spread.Std!.Value, 12);   // sqrt((0.02^2 + 0 + 0.02^2) / 2)
        Assert.Equal(0.0004, spread.Variance!.Value, 12);
        Assert.Equal("92.00 ± 2.00", spread.Format("0.00", scale: 100));
    }

    [Fact]
    public void Close_values_keep_their_spread()
    {
        // A naive sum of squares minus n mean^2 loses these digits; the two-pass form does not.
        var spread = SeedSpread.Of([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
        Assert.Equal(30.0, spread.Variance!.Value, 9);
    }

    [Fact]
    public void One_seed_has_a_mean_but_no_spread_and_no_test()
    {
        var one = SeedSpread.Of([0.87]);

        Assert.Equal(1, one.N);
        Assert.Equal(0.87, one.Mean);
        Assert.Null(one.Std);
        Assert.False(one.HasSpread);
        Assert.Equal("0.870", one.Format("0.000"));
        Assert.Null(WelchTest.Compare(one, SeedSpread.Of([0.5, 0.6, 0.7])));
        Assert.Null(WelchTest.Compare(SeedSpread.Of([0.5, 0.6, 0.7]), one));
    }

    [Fact]
    public void No_values_or_a_value_that_is_not_a_number_is_refused()
    {
        Assert.Throws<ArgumentException>(() => SeedSpread.Of([]));
        Assert.Throws<ArgumentException>(() => SeedSpread.Of([0.5, double.NaN]));
    }

    [Fact]
    public void With_equal_variances_and_sizes_welch_is_students_test_with_2n_minus_2_degrees_of_freedom()
    {
        // Means 2 and 5, both variances 1: t = -3 / sqrt(2/3), df = 4 exactly.
        var test = WelchTest.Compare(SeedSpread.Of([1, 2, 3]), SeedSpread.Of([4, 5, 6]))!;

        Assert.Equal(-3.0, test.Difference, 12);
        Assert.Equal(-3 / Math.Sqrt(2.0 / 3), test.T, 10);
        Assert.Equal(4.0, test.DegreesOfFreedom, 10);
        Assert.Equal(0.02131164112875661, test.PValue, 8);
    }

    [Fact]
    public void Two_seeds_a_side_with_equal_variances_have_two_degrees_of_freedom_and_the_closed_form_p_value()
    {
        var test = WelchTest.Compare(SeedSpread.Of([0, 2]), SeedSpread.Of([3, 5]))!;

        double t = -3 / Math.Sqrt(2);
        Assert.Equal(t, test.T, 10);
        Assert.Equal(2.0, test.DegreesOfFreedom, 10);
        Assert.Equal(1 - Math.Abs(t) / Math.Sqrt(2 + t * t), test.PValue, 10);
    }

    [Fact]
    public void Unequal_variances_get_the_welch_satterthwaite_degrees_of_freedom()
    {
        // Wikipedia's "Welch's t-test", example 1: t = -2.46, df = 25.0, p = 0.021.
        double[] a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
        double[] b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];

        var test = WelchTest.Compare(SeedSpread.Of(a), SeedSpread.Of(b))!;

        Assert.Equal(-2.45535639829, test.T, 9);
        Assert.Equal(24.9885292902, test.DegreesOfFreedom, 8);
        Assert.Equal(0.0213780014629, test.PValue, 8);
    }

    [Theory]
    // Seeds' GNRs: a clear lead with few seeds, and a lead the spread explains (df barely above 1).
    [InlineData(new[] { 0.71, 0.74, 0.78 }, new[] { 0.60, 0.61, 0.62, 0.60 }, 6.52, 2.22457928757, 0.017255303928)]
    [InlineData(new[] { 0.62, 0.70 }, new[] { 0.60, 0.61, 0.59 }, 1.48461497792, 1.04187459319, 0.370328580512)]
    public void Few_seeds_match_the_reference(double[] first, double[] second, double t, double df, double p)
    {
        var test = WelchTest.Compare(SeedSpread.Of(first), SeedSpread.Of(second))!;

        Assert.Equal(t, test.T, 8);
        Assert.Equal(df, test.DegreesOfFreedom, 8);
        Assert.Equal(p, test.PValue, 8);
    }

    [Fact]
    public void The_test_is_symmetric_in_its_sides_but_for_the_sign()
    {
        var a = SeedSpread.Of([0.71, 0.74, 0.78]);
        var b = SeedSpread.Of([0.60, 0.61, 0.62, 0.60]);
        var ab = WelchTest.Compare(a, b)!;
        var ba = WelchTest.Compare(b, a)!;

        Assert.Equal(-ab.T, ba.T, 12);
        Assert.Equal(ab.DegreesOfFreedom, ba.DegreesOfFreedom, 12);
        Assert.Equal(ab.PValue, ba.PValue, 12);
    }

    [Fact]
    public void Seeds_that_all_agree_give_p_1_for_equal_means_and_p_0_for_different_ones()
    {
        var same = WelchTest.Compare(SeedSpread.Of([0.5, 0.5]), SeedSpread.Of([0.5, 0.5, 0.5]))!;
        Assert.Equal(0, same.T);
        Assert.Equal(1, same.PValue);
        Assert.Equal(3, same.DegreesOfFreedom);

        var apart = WelchTest.Compare(SeedSpread.Of([0.7, 0.7]), SeedSpread.Of([0.5, 0.5]))!;
        Assert.Equal(double.PositiveInfinity, apart.T);
        Assert.Equal(0, apart.PValue);
    }
}
