namespace RobustLab.Training.Loop;

/// <summary>How the regulariser combines its two paths (docs/method.md, section "Regulariser variants").</summary>
public enum RegularizerForm
{
    /// <summary>CE(clean) + alpha * CE(mean): the paper's Eq. 2.</summary>
    Additive,
    /// <summary>(1 - alpha) * CE(clean) + alpha * CE(mean), alpha in (0, 1].</summary>
    Mixed,
}

/// <summary>What the regulariser's mean path is scored against.</summary>
public enum RegularizerTarget
{
    /// <summary>The data set's labels (the paper).</summary>
    Labels,
    /// <summary>The network's own clean softmax output, detached: the mean path is pulled towards the clean prediction.</summary>
    Predictions,
}

/// <summary>The regulariser's options beyond sigma and alpha; the default is the paper's regulariser.</summary>
/// <param name="Gamma">The share of a batch's images that also get one noisy copy on the clean path, in [0, 1].</param>
public sealed record RegularizerVariant(
    RegularizerForm Form = RegularizerForm.Additive, RegularizerTarget Target = RegularizerTarget.Labels, double Gamma = 0)
{
    public static RegularizerVariant Paper { get; } = new();

    public bool IsPaper => this == Paper;
}

/// <summary>The spellings of the variants' names (CLI, API, run.json): lower case, any case read.</summary>
public static class RegularizerVariantNames
{
    public static IReadOnlyList<string> Forms { get; } = Enum.GetNames<RegularizerForm>().Select(n => n.ToLowerInvariant()).ToList();
    public static IReadOnlyList<string> Targets { get; } = Enum.GetNames<RegularizerTarget>().Select(n => n.ToLowerInvariant()).ToList();

    /// <summary>The enum value named <paramref name="text"/> (any case); an ArgumentException naming <paramref name="option"/> otherwise.</summary>
    public static T Parse<T>(string text, string option) where T : struct, Enum =>
        Enum.TryParse<T>(text.Trim(), ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text.Trim(), out _)
            ? value
            : throw new ArgumentException(
                $"{option}: unknown value '{text}'; use one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");

    public static string Name<T>(this T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
