namespace RobustLab.Training.Loop;

/// <summary>
/// How a run fights noise: not at all, with noisy copies of the data (N~ extra copies, or one fresh copy in place of
/// each image), with stability or consistency training, or with the analytic moment regulariser.
/// New values go at the end: the store keeps a method by its name, but nothing gains from reordering.
/// </summary>
public enum TrainingMethod { Baseline, Augmentation, Regularizer, Gaussian, Stability, Consistency }

public static class TrainingMethods
{
    public static IReadOnlyList<string> Names { get; } = ["baseline", "augmentation", "regularizer", "gaussian", "stability", "consistency"];

    public static TrainingMethod Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "baseline" => TrainingMethod.Baseline,
        "augmentation" => TrainingMethod.Augmentation,
        "gaussian" => TrainingMethod.Gaussian,
        "stability" => TrainingMethod.Stability,
        "consistency" => TrainingMethod.Consistency,
        "regularizer" or "regulariser" => TrainingMethod.Regularizer,
        _ => throw new ArgumentException($"method: unknown method '{name}'; use one of {string.Join(", ", Names)}."),
    };

    public static string Name(this TrainingMethod method) => method.ToString().ToLowerInvariant();

    /// <summary>Whether the method draws or models noise of the training sigma (every method but the baseline).</summary>
    public static bool UsesSigma(this TrainingMethod method) => method != TrainingMethod.Baseline;

    /// <summary>Whether the method weighs a divergence term with lambda (stability, consistency).</summary>
    public static bool UsesLambda(this TrainingMethod method) => method is TrainingMethod.Stability or TrainingMethod.Consistency;
}
