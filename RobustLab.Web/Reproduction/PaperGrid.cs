namespace RobustLab.Web.Reproduction;

/// <summary>
/// The paper's hyperparameter grid (docs/method.md, section "Reproducing the paper"): the baseline once, augmentation
/// over N~ x sigma, the regulariser over alpha x sigma, where the regulariser also trains at the large sigmas.
/// </summary>
public static class PaperGrid
{
    /// <summary>The methods the paper compares (the baselines added since, such as stability training, are not in its grid).</summary>
    public static readonly IReadOnlyList<string> Methods = ["baseline", "augmentation", "regularizer"];

    /// <summary>Augmentation's training sigmas, which the regulariser shares.</summary>
    public static readonly IReadOnlyList<double> Sigmas = [0.125, 0.25, 0.325, 0.5, 1.0];

    /// <summary>The sigmas only the regulariser trains at (augmentation at these would drown the image).</summary>
    public static readonly IReadOnlyList<double> RegularizerOnlySigmas = [2, 5, 10, 20];

    public static readonly IReadOnlyList<double> Alphas = [0.5, 1, 1.5, 2, 5, 10, 20];

    /// <summary>N~: noisy copies per image.</summary>
    public static readonly IReadOnlyList<int> Copies = [2, 6, 11, 21];

    /// <summary>The attacks of the paper's Table 1 (it ran them through Foolbox).</summary>
    public static readonly IReadOnlyList<string> Attacks = ["pgd", "lbfgs", "fgsm", "deepfool"];

    /// <summary>
    /// <paramref name="count"/> values of <paramref name="values"/> (sorted ascending), spread evenly from the first to the
    /// last; one value is the middle one; a count of 0 or at least the list's length keeps every value.
    /// </summary>
    public static IReadOnlyList<T> Spread<T>(IReadOnlyList<T> values, int count)
    {
        if (count <= 0 || count >= values.Count) return values;
        if (count == 1) return [values[(values.Count - 1) / 2]];
        return Enumerable.Range(0, count)
            .Select(i => values[(int)Math.Round(i * (values.Count - 1) / (double)(count - 1), MidpointRounding.AwayFromZero)])
            .Distinct().ToList();
    }
}
