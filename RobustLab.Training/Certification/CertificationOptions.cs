using RobustLab.Training.Evaluation;

namespace RobustLab.Training.Certification;

/// <summary>
/// How a network is certified by randomised smoothing (docs/method.md, section "Certified robustness"). The defaults
/// are sized for a 2-core CPU; N = 100,000 and Every = 1 (the full test set) are the paper-scale settings.
/// </summary>
public sealed record CertificationOptions
{
    /// <summary>Noise level in [0, 1] pixel units, like the training sigma.</summary>
    public required double Sigma { get; init; }
    /// <summary>Noisy samples that guess the top class cA.</summary>
    public int N0 { get; init; } = 100;
    /// <summary>Fresh noisy samples that count cA for the Clopper-Pearson bound.</summary>
    public int N { get; init; } = 10_000;
    /// <summary>The certificate is wrong with probability at most alpha (per image).</summary>
    public double Alpha { get; init; } = 0.001;
    /// <summary>
    /// Test images to certify, taken as every k-th image with k = test count / Images (Cohen's scripts); null when
    /// <see cref="Every"/> chooses them.
    /// </summary>
    public int? Images { get; init; } = 500;
    /// <summary>Certify images 0, k, 2k, ... of the test set (all of them when Images is null).</summary>
    public int? Every { get; init; }
    /// <summary>Noisy copies per forward pass.</summary>
    public int BatchSize { get; init; } = 1000;
    public int Seed { get; init; }
    /// <summary>Noisy samples per image of the majority-vote sigma-robustness.</summary>
    public int MajorityVoteSamples { get; init; } = 30;

    public const int MaxN = 10_000_000;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!(Sigma > 0) || double.IsInfinity(Sigma)) errors.Add($"sigma must be a number > 0 (got {Sigma}).");
        if (N0 < 1 || N0 > MaxN) errors.Add($"n0 must be in [1, {MaxN}] (got {N0}).");
        if (N < 1 || N > MaxN) errors.Add($"n must be in [1, {MaxN}] (got {N}).");
        if (!(Alpha > 0 && Alpha < 1)) errors.Add($"alpha must be in (0, 1) (got {Alpha}).");
        if (Images is < 1) errors.Add($"images must be >= 1 (got {Images}).");
        if (Every is < 1) errors.Add($"every must be >= 1 (got {Every}).");
        if (Images is null && Every is null) errors.Add("images or every must be set.");
        if (BatchSize < 1) errors.Add($"batch size must be >= 1 (got {BatchSize}).");
        if (MajorityVoteSamples < 1) errors.Add($"majority-vote samples must be >= 1 (got {MajorityVoteSamples}).");
        return errors;
    }

    /// <summary>The k of "every k-th test image": Every, or max(1, testCount / Images).</summary>
    public int Stride(int testCount) => Every ?? Math.Max(1, testCount / Images!.Value);

    /// <summary>
    /// The test indices to certify: 0, k, 2k, ... with k = Every, or k = max(1, testCount / Images), stopping after
    /// Images images when that is set.
    /// </summary>
    public int[] SelectIndices(int testCount)
    {
        int every = Stride(testCount);
        var indices = Enumerable.Range(0, (testCount + every - 1) / every).Select(i => i * every);
        return (Images is { } max ? indices.Take(max) : indices).ToArray();
    }

    /// <summary>The sigmas of the majority-vote curve: the GNR grid of the default evaluation.</summary>
    public static IReadOnlyList<double> MajorityVoteSigmas()
    {
        var evaluation = new EvaluationOptions();
        return Gnr.Sigmas(evaluation.GnrSteps, evaluation.GnrMaxSigma);
    }
}
