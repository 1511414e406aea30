using RobustLab.Training.Runtime;

namespace RobustLab.Training.Models;

/// <summary>Builds a network by architecture name ("lenet", "alexnet").</summary>
public static class ModelFactory
{
    public static IReadOnlyList<string> Architectures { get; } = ["lenet", "alexnet"];

    /// <summary>
    /// A freshly initialised network. Its initial weights come from libtorch's default generator, under
    /// <see cref="GlobalRandom.Sync"/>; callers that need reproducible weights seed it and call this in one
    /// <c>lock (GlobalRandom.Sync)</c> block.
    /// </summary>
    public static SplitNetwork Create(ModelSpec spec)
    {
        lock (GlobalRandom.Sync)
            return spec.Architecture.ToLowerInvariant() switch
            {
                "lenet" => new LeNet(spec),
                "alexnet" => new AlexNet(spec),
                _ => throw new ArgumentException($"model: unknown model '{spec.Architecture}'; use one of {string.Join(", ", Architectures)}."),
            };
    }
}
