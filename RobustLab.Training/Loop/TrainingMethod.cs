namespace RobustLab.Training.Loop;

/// <summary>How a run fights noise: not at all, with noisy copies of the data, or with the analytic moment regulariser.</summary>
public enum TrainingMethod { Baseline, Augmentation, Regularizer }

public static class TrainingMethods
{
    public static IReadOnlyList<string> Names { get; } = ["baseline", "augmentation", "regularizer"];

    public static TrainingMethod Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "baseline" => TrainingMethod.Baseline,
        "augmentation" => TrainingMethod.Augmentation,
        "regularizer" or "regulariser" => TrainingMethod.Regularizer,
        _ => throw new ArgumentException($"method: unknown method '{name}'; use one of {string.Join(", ", Names)}."),
    };

    public static string Name(this TrainingMethod method) => method.ToString().ToLowerInvariant();
}
