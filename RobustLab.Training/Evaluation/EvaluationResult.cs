using RobustLab.Training.Attacks;
using RobustLab.Training.Certification;
using RobustLab.Training.Loop;
using RobustLab.Training.Corruptions;

namespace RobustLab.Training.Evaluation;

/// <summary>One point of the GNR curve: the share of images whose prediction survives noise of this sigma.</summary>
public sealed record GnrPoint(double Sigma, double Consistency);

/// <summary>
/// Test accuracy, Gaussian Network Robustness (docs/method.md, section "GNR") and how well the analytic mean approximates the
/// network under noise at <see cref="MomentSigma"/>.
/// </summary>
public sealed record EvaluationResult(
    double TestAccuracy,
    int TestImages,
    /// <summary>Trapezoid area under the GNR curve divided by the sigma range (the reference code's scalar).</summary>
    double Gnr,
    /// <summary>Mean of the GNR curve over its sigmas (the paper's scalar).</summary>
    double GnrMean,
    IReadOnlyList<GnrPoint> GnrCurve,
    /// <summary>Accuracy of Omega(T(mu2, s2)) at MomentSigma.</summary>
    double MomentAccuracy,
    /// <summary>||Omega(mu3) - MC mean logits|| / ||MC mean logits|| on a test subset.</summary>
    double MomentGap,
    double MomentSigma,
    int MomentGapImages,
    int MomentGapSamples,
    int Seed)
{
    /// <summary>Minimal adversarial perturbations (paper Table 1), when the run or the eval command asked for attacks.</summary>
    public AttackReport? Attacks { get; init; }

    /// <summary>
    /// Randomised-smoothing certification (docs/method.md, section "Certified robustness"), one entry per sigma certified
    /// after training; null when the run was never certified. The per-image rows are in certify-&lt;sigma&gt;.csv.
    /// </summary>
    public IReadOnlyList<CertificationMetrics>? Certification { get; init; }

    /// <summary>
    /// Seconds spent in training, evaluation and each job after training (<see cref="StageSeconds"/>); null for runs
    /// recorded before timings were kept and for evaluations of a checkpoint.
    /// </summary>
    public IReadOnlyList<StageSeconds>? Timings { get; init; }

    /// <summary>Accuracy and calibration under common corruptions, when the eval command asked for them.</summary>
    public CorruptionReport? Corruptions { get; init; }
}
