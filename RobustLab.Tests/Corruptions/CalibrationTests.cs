using RobustLab.Training.Corruptions;

namespace RobustLab.Tests.Corruptions;

/// <summary>ECE, NLL and mCE against hand-computed values and a Monte Carlo predictor that is calibrated by construction.</summary>
public sealed class CalibrationTests
{
    [Fact]
    public void Ece_of_a_perfectly_calibrated_predictor_is_about_zero()
    {
        // Confidence p uniform in [0.1, 1], right with probability p: calibrated by construction. With 200,000 predictions
        // the sampling error per bin is about 0.004, so ECE must be well under 0.01.
        var random = new Random(7);
        int n = 200_000;
        var confidence = new double[n];
        var correct = new bool[n];
        for (int i = 0; i < n; i++)
        {
            confidence[i] = 0.1 + 0.9 * random.NextDouble();
            correct[i] = random.NextDouble() < confidence[i];
        }
        var metrics = CalibrationMetrics.Of(confidence, correct, new double[n]);
        Assert.InRange(metrics.Ece, 0, 0.01);
        Assert.Equal(n, metrics.Bins.Sum(b => b.Count));
        Assert.All(metrics.Bins.Where(b => b.Count > 0), b => Assert.InRange(b.Accuracy - b.Confidence, -0.03, 0.03));
    }

    [Fact]
    public void Ece_of_an_over_confident_predictor_matches_the_hand_computed_value()
    {
        // 10 predictions at 0.95 (bin 15, (14/15, 1]) of which 6 are right: gap 0.35.
        // 4 predictions at 0.55 (bin 9, (8/15, 9/15]) of which 1 is right: gap 0.30.
        // ECE = 10/14 * 0.35 + 4/14 * 0.30 = 0.25 + 0.0857142857 = 0.3357142857.
        double[] confidence = [.. Enumerable.Repeat(0.95, 10), .. Enumerable.Repeat(0.55, 4)];
        bool[] correct = [true, true, true, true, true, true, false, false, false, false, true, false, false, false];
        var metrics = CalibrationMetrics.Of(confidence, correct, new double[14]);

        Assert.Equal(0.3357142857, metrics.Ece, 9);
        Assert.Equal(15, metrics.Bins.Count);
        var top = metrics.Bins[14];
        Assert.Equal((10, 0.95, 0.6), (top.Count, Math.Round(top.Confidence, 12), Math.Round(top.Accuracy, 12)));
        var middle = metrics.Bins[8];
        Assert.Equal((4, 0.55, 0.25), (middle.Count, Math.Round(middle.Confidence, 12), Math.Round(middle.Accuracy, 12)));
        Assert.Equal(14, metrics.Bins.Sum(b => b.Count));
        Assert.True(double.IsNaN(metrics.Bins[0].Accuracy));
    }

    [Fact]
    public void Bins_are_right_closed_so_a_confidence_on_an_edge_goes_below_it()
    {
        Assert.Equal(0, CalibrationMetrics.Bin(0.0, 15));
        Assert.Equal(0, CalibrationMetrics.Bin(1.0 / 15, 15));
        Assert.Equal(7, CalibrationMetrics.Bin(0.5, 15));
        Assert.Equal(14, CalibrationMetrics.Bin(1.0, 15));
    }

    [Fact]
    public void Nll_is_the_mean_negative_log_probability_of_the_true_class()
    {
        // p(true) = 0.5, 0.25, 1: NLL = (ln 2 + ln 4 + 0) / 3 = ln 2.
        double[] logp = [Math.Log(0.5), Math.Log(0.25), 0];
        var metrics = CalibrationMetrics.Of([0.5, 0.6, 1.0], [true, false, true], logp);
        Assert.Equal(Math.Log(2), metrics.Nll, 12);
    }

    [Fact]
    public void Mce_divides_summed_errors_by_the_baselines_and_averages_over_corruptions()
    {
        static CorruptionResult Result(string name, params double[] accuracy) =>
            new(name, CorruptionFamily.Noise, accuracy.Select((a, i) => new SeverityResult(i + 1, a, 0, 0, [])).ToList(), accuracy.Average(), 0);
        static CorruptionReport Report(double clean, params CorruptionResult[] results) =>
            new(100, 0, [1, 2], clean, CalibrationMetrics.Of([], [], []), results, results.SelectMany(r => r.Severities).Average(s => s.Accuracy), 0);

        var model = Report(0.9, Result("a", 0.8, 0.6), Result("b", 0.9, 0.7));     // errors a: 0.2 + 0.4 = 0.6; b: 0.1 + 0.3 = 0.4
        var baseline = Report(0.8, Result("a", 0.7, 0.5), Result("b", 0.6, 0.6));  // errors a: 0.3 + 0.5 = 0.8; b: 0.4 + 0.4 = 0.8
        var errors = MeanCorruptionError.Against(model, baseline, "base");

        Assert.Equal(0.6 / 0.8, errors.PerCorruption[0].Ce, 12);
        Assert.Equal(0.4 / 0.8, errors.PerCorruption[1].Ce, 12);
        Assert.Equal((0.75 + 0.5) / 2, errors.Mce, 12);
        // Relative: (0.6 - 2 * 0.1) / (0.8 - 2 * 0.2) = 1; (0.4 - 0.2) / (0.8 - 0.4) = 0.5.
        Assert.Equal(0.75, errors.RelativeMce, 12);
        Assert.Equal(1.0, MeanCorruptionError.Against(baseline, baseline, "self").Mce, 12);
    }
}
