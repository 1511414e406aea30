using RobustLab.Training.Data;

namespace RobustLab.Training.Models;

/// <summary>What a network is built for: architecture name, input shape, class count and input normalisation.</summary>
public sealed record ModelSpec(string Architecture, ImageShape Input, int Classes, Normalization Normalization)
{
    /// <summary>In words, with any padding the model adds ("AlexNet, 1x28x28 inputs padded to 1x32x32 ..."); written to run.json.</summary>
    public string Description => ModelFactory.Describe(this);
}
