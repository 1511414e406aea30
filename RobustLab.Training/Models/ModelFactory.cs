namespace RobustLab.Training.Models;

/// <summary>Builds a network by architecture name ("lenet", "alexnet").</summary>
public static class ModelFactory
{
    public static IReadOnlyList<string> Architectures { get; } = ["lenet", "alexnet"];

    public static SplitNetwork Create(ModelSpec spec) => spec.Architecture.ToLowerInvariant() switch
    {
        "lenet" => new LeNet(spec),
        "alexnet" => new AlexNet(spec),
        _ => throw new ArgumentException($"model: unknown model '{spec.Architecture}'; use one of {string.Join(", ", Architectures)}."),
    };
}
