using RobustLab.Training.Data;

namespace RobustLab.Training.Models;

/// <summary>What a network is built for: architecture name, input shape, class count and input normalisation.</summary>
public sealed record ModelSpec(string Architecture, ImageShape Input, int Classes, Normalization Normalization);
