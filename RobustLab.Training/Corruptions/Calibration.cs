namespace RobustLab.Training.Corruptions;

/// <summary>One bar of a reliability diagram: predictions whose confidence fell in (Lower, Upper].</summary>
public sealed record ReliabilityBin(double Lower, double Upper, double Confidence, double Accuracy, int Count);

/// <summary>
/// How well a classifier's confidence matches its accuracy: expected calibration error over equal-width bins (Guo et al.
/// 2017: ECE = sum over bins of n_b / N * |accuracy_b - confidence_b|), the mean negative log-likelihood of the true
/// class, and the reliability diagram's bins (empty bins have Count 0 and NaN means).
/// </summary>
public sealed record CalibrationMetrics(double Ece, double Nll, IReadOnlyList<ReliabilityBin> Bins)
{
    public const int DefaultBins = 15;

    /// <summary>
    /// From each prediction's confidence (the top softmax probability), whether it was right, and the log-probability
    /// the model gave the true class.
    /// </summary>
    public static CalibrationMetrics Of(IReadOnlyList<double> confidence, IReadOnlyList<bool> correct,
        IReadOnlyList<double> trueClassLogProbability, int bins = DefaultBins)
    {
        if (confidence.Count != correct.Count || confidence.Count != trueClassLogProbability.Count)
            throw new ArgumentException("confidence, correct and trueClassLogProbability must have one entry per prediction.");
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), $"bins: must be >= 1 (got {bins}).");
        int n = confidence.Count;
        var count = new int[bins];
        var confidenceSum = new double[bins];
        var correctSum = new double[bins];
        for (int i = 0; i < n; i++)
        {
            int b = Bin(confidence[i], bins);
            count[b]++;
            confidenceSum[b] += confidence[i];
            if (correct[i]) correctSum[b]++;
        }
        var diagram = new ReliabilityBin[bins];
        double ece = 0;
        for (int b = 0; b < bins; b++)
        {
            double conf = count[b] == 0 ? double.NaN : confidenceSum[b] / count[b];
            double acc = count[b] == 0 ? double.NaN : correctSum[b] / count[b];
            diagram[b] = new ReliabilityBin(b / (double)bins, (b + 1) / (double)bins, conf, acc, count[b]);
            if (count[b] > 0) ece += count[b] / (double)n * Math.Abs(acc - conf);
        }
        double nll = n == 0 ? double.NaN : -trueClassLogProbability.Average();
        return new CalibrationMetrics(n == 0 ? double.NaN : ece, nll, diagram);
    }

    /// <summary>The bin (b/B, (b+1)/B] holding a confidence; 0 goes to the first bin.</summary>
    public static int Bin(double confidence, int bins) => Math.Clamp((int)Math.Ceiling(confidence * bins) - 1, 0, bins - 1);

    /// <summary>The same metrics without the diagram (for every corruption and severity, where bins would swamp a report).</summary>
    public CalibrationMetrics WithoutBins() => this with { Bins = [] };
}
