namespace RobustLab.Training.Corruptions;

/// <summary>mCE and relative mCE of a report against a baseline report of the same corruptions, severities and images.</summary>
public static class MeanCorruptionError
{
    public static CorruptionErrors Against(CorruptionReport report, CorruptionReport baseline, string baselineName)
    {
        if (!report.Severities.SequenceEqual(baseline.Severities))
            throw new ArgumentException($"baseline: severities {string.Join(",", baseline.Severities)} differ from {string.Join(",", report.Severities)}.");
        if (report.Images != baseline.Images || report.Seed != baseline.Seed)
            throw new ArgumentException($"baseline: measured on {baseline.Images} images with seed {baseline.Seed}, not {report.Images} with seed {report.Seed}.");
        double clean = 1 - report.CleanAccuracy, baseClean = 1 - baseline.CleanAccuracy;
        int k = report.Severities.Count;
        var rows = report.Corruptions.Select(c =>
        {
            var b = baseline[c.Corruption]
                    ?? throw new ArgumentException($"baseline: has no '{c.Corruption}' results; evaluate it with the same corruptions.");
            return new CorruptionError(c.Corruption, Ratio(c.ErrorSum, b.ErrorSum), Ratio(c.ErrorSum - k * clean, b.ErrorSum - k * baseClean));
        }).ToList();
        return new CorruptionErrors(baselineName, rows.Average(r => r.Ce), rows.Average(r => r.RelativeCe), rows);
    }

    // A baseline that never errs leaves the ratio undefined; NaN says so rather than a made-up number.
    static double Ratio(double numerator, double denominator) => denominator == 0 ? double.NaN : numerator / denominator;
}
