using RobustLab.Training.Certification;
using RobustLab.Training.Evaluation;

namespace RobustLab.Web.Comparison;

/// <summary>The smallest median minimal perturbation (L2) over the attacks a run ran: the strongest attack's.</summary>
public sealed record StrongestAttack(string Attack, double MedianL2);

/// <summary>
/// A run's robustness on one card (the run page's "report card"): clean accuracy and GNR always; certified AUC when the
/// run was certified (at its training sigma when it was certified there, else at the smallest sigma certified); the
/// smallest median L2 perturbation over its attacks when it was attacked; the mean corruption accuracy and the clean ECE
/// when it was measured under corruptions.
/// </summary>
public sealed record ReportCard(
    double CleanAccuracy, double Gnr, CertificationMetrics? Certification, StrongestAttack? Attack,
    double? MeanCorruptionAccuracy, double? Ece)
{
    public static ReportCard Of(EvaluationResult metrics, double trainingSigma)
    {
        var certifications = metrics.Certification ?? [];
        var certification = certifications.FirstOrDefault(c => ComparisonRun.SameSigma(c.Sigma, trainingSigma))
                            ?? certifications.MinBy(c => c.Sigma);
        // An attack that fooled no image has no median; it cannot be the strongest.
        var attack = metrics.Attacks?.Attacks.Where(a => double.IsFinite(a.L2.Median)).MinBy(a => a.L2.Median);
        var corruptions = metrics.Corruptions;
        return new ReportCard(metrics.TestAccuracy, metrics.Gnr, certification,
            attack is null ? null : new StrongestAttack(attack.Attack, attack.L2.Median),
            corruptions?.MeanCorruptionAccuracy, corruptions?.Clean.Ece);
    }
}
