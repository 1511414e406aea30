namespace RobustLab.Training.Evaluation;

/// <summary>How a trained network is evaluated (docs/method.md, section "GNR" and the moment-approximation check).</summary>
public sealed record EvaluationOptions
{
    /// <summary>Seeds the GNR directions and the Monte-Carlo samples, so the same model scores the same.</summary>
    public int Seed { get; init; } = 0;
    public int BatchSize { get; init; } = 500;
    /// <summary>Number of evenly spaced sigmas in [0, GnrMaxSigma] (paper: 30 in [0, 0.5]).</summary>
    public int GnrSteps { get; init; } = 30;
    public double GnrMaxSigma { get; init; } = 0.5;
    /// <summary>Sigma of the moment accuracy and gap; null means the run's training sigma (0.25 for a baseline).</summary>
    public double? MomentSigma { get; init; }
    /// <summary>Test images used for the Monte-Carlo moment gap, and noisy samples per image.</summary>
    public int MomentGapImages { get; init; } = 256;
    public int MomentGapSamples { get; init; } = 64;

    /// <summary>Sigma used for the moment metrics of a baseline, which has no training sigma.</summary>
    public const double BaselineMomentSigma = 0.25;
}
