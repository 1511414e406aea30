namespace RobustLab.Training.Attacks;

/// <summary>Median and mean of one distance over the images an attack fooled (NaN when it fooled none).</summary>
public sealed record DistanceSummary(double Median, double Mean);

/// <summary>
/// What one attack measured on the evaluated images (paper Table 1): how often it found an adversarial, and the
/// size of the minimal perturbation it found, in L2, L-infinity and mean squared distance (Foolbox's default metric).
/// </summary>
public sealed record AttackMetrics(
    string Attack,
    /// <summary>Images the attack was run on: the correctly classified ones among the samples.</summary>
    int Attacked,
    int Succeeded,
    double SuccessRate,
    DistanceSummary L2,
    DistanceSummary Linf,
    DistanceSummary Mse,
    double Seconds);

/// <summary>The attack suite's result for one model: per attack, in the order they were asked for.</summary>
public sealed record AttackReport(
    /// <summary>Test images drawn (seeded) before keeping the correctly classified ones.</summary>
    int Samples,
    /// <summary>Correctly classified among them: the images every attack ran on.</summary>
    int Attacked,
    int Seed,
    IReadOnlyList<AttackMetrics> Attacks)
{
    public AttackMetrics? this[string attack] => Attacks.FirstOrDefault(a => a.Attack == attack);
}
