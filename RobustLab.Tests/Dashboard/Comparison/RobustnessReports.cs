using RobustLab.Training.Certification;
using RobustLab.Training.Corruptions;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>Hand-made certification and corruption metrics for the dashboard's tests (no training, no certifying).</summary>
public static class RobustnessReports
{
    /// <summary>
    /// A certification at <paramref name="sigma"/> whose certified accuracy falls linearly from <paramref name="atZero"/>
    /// at r = 0 to 0 at r = <paramref name="reach"/>: certified AUC = atZero * reach / 2 (reach at most 1.5).
    /// </summary>
    public static CertificationMetrics Certified(double sigma, double atZero, double reach, double abstain = 0.1) =>
        new(sigma, N0: 100, N: 1000, Alpha: 0.001, Seed: 0, Images: 100, Every: 100,
            CertificationSummary.FixedRadii.Select(r => new CertifiedPoint(r, Linear(atZero, reach, r))).ToArray(),
            AverageCertifiedRadius: atZero * reach / 2, CertifiedAuc: atZero * reach / 2, AbstainRate: abstain,
            MajorityVote: 0.9, MajorityVoteSamples: 30, Seconds: 1);

    /// <summary>The per-image rows whose curve is that of <see cref="Certified"/> (approximately: 100 images).</summary>
    public static IReadOnlyList<CertifiedImage> Rows(double atZero, double reach, int images = 100)
    {
        int correct = (int)Math.Round(atZero * images);
        // Correct images with radii spread evenly on (0, reach]: the share with radius >= r falls linearly to 0 at reach.
        return Enumerable.Range(0, images).Select(i => i < correct
            ? new CertifiedImage(i, 1, 1, reach * (i + 1) / correct, true)
            : new CertifiedImage(i, 1, SmoothedClassifier.Abstain, 0, false)).ToList();
    }

    static double Linear(double atZero, double reach, double r) => r >= reach ? 0 : atZero * (1 - r / reach);

    /// <summary>
    /// A corruption report on <paramref name="images"/> images with seed <paramref name="seed"/>: each corruption's
    /// accuracy per severity as given (severities 1..k), calibration with the given clean ECE.
    /// </summary>
    public static CorruptionReport Corrupted(double clean, double ece, IReadOnlyDictionary<string, double[]> accuracies,
        int images = 200, int seed = 0)
    {
        int k = accuracies.Values.First().Length;
        var bins = new[]
        {
            new ReliabilityBin(0.6, 0.7, 0.65, 0.5, 10), new ReliabilityBin(0.9, 1.0, 0.95, 0.9, 90),
        };
        var results = accuracies.Select(kv =>
        {
            var family = CorruptionCatalog.Create(kv.Key).Family;
            var severities = kv.Value.Select((a, i) => new SeverityResult(i + 1, a, 0.05, 0.4,
                family == CorruptionFamily.Noise ? bins : [])).ToList();
            return new CorruptionResult(kv.Key, family, severities, kv.Value.Average(), 1);
        }).ToList();
        return new CorruptionReport(images, seed, Enumerable.Range(1, k).ToList(), clean, new CalibrationMetrics(ece, 0.3, bins),
            results, accuracies.Values.SelectMany(a => a).Average(), 2);
    }
}
