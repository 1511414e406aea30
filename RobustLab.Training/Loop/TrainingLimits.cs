namespace RobustLab.Training.Loop;

/// <summary>
/// The range of every number a run takes, the same on the command line, in the API and in the dashboard's form
/// (<see cref="TrainingOptions.Problems"/> checks them). Wide enough for the paper's grids (the regulariser's sigma
/// went up to 20; see docs/method.md, section "The regulariser (Eq. 2 and 3)") and narrow enough that a typo or an
/// absurd value (1e308, int.MaxValue) is refused before a worker spends anything on it.
/// </summary>
public static class TrainingLimits
{
    /// <summary>sigma in [0, 100] (pixel units, images in [0, 1]).</summary>
    public const double MaxSigma = 100;
    /// <summary>alpha in [0, 10000].</summary>
    public const double MaxAlpha = 10_000;
    /// <summary>N~ in [0, 1024].</summary>
    public const int MaxCopies = 1024;
    /// <summary>lambda (stability, consistency) in [0, 10000].</summary>
    public const double MaxLambda = 10_000;
    /// <summary>eta (consistency's entropy weight) in [0, 100].</summary>
    public const double MaxEta = 100;
    /// <summary>m (consistency's noisy copies per image and step) in [1, 32]: each copy is a forward pass of the batch.</summary>
    public const int MaxConsistencyCopies = 32;
    /// <summary>gamma (the regulariser's share of images with a noisy copy) in [0, 1]; alpha of the mixed form in (0, 1].</summary>
    public const double MaxGamma = 1, MaxMixedAlpha = 1;
    /// <summary>epochs in [1, 10000].</summary>
    public const int MaxEpochs = 10_000;
    /// <summary>batch size in [1, 65536].</summary>
    public const int MaxBatchSize = 65_536;
    /// <summary>lr in (0, 10].</summary>
    public const double MaxLearningRate = 10;
    /// <summary>train subset in [10, 10,000,000], test subset in [1, 10,000,000].</summary>
    public const int MinTrainSubset = 10, MaxSubset = 10_000_000;
    /// <summary>attack samples in [1, 10000].</summary>
    public const int MaxAttackSamples = 10_000;
}
