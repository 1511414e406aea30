using RobustLab.Training.Data;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>
/// One common corruption (Hendrycks and Dietterich 2019; Mu and Gilmer 2019) at a severity 1..5. Pixels go in as a float
/// tensor (N, C, H, W) in [0, 1] with 1 or 3 channels and come out as a new tensor of the same shape, in [0, 1]. The
/// same seed gives the same corruption.
/// </summary>
public interface ICorruption
{
    /// <summary>The name the CLI, the API and reports use (see <see cref="CorruptionCatalog"/>).</summary>
    string Name { get; }
    CorruptionFamily Family { get; }
    Tensor Apply(Tensor pixels, int severity, ulong seed);
}

/// <summary>
/// The checks and the clipping every corruption shares: the severity range, the (N, C, H, W) shape with 1 or 3 channels,
/// no gradients, one seeded CPU generator (<see cref="SeededNoise"/>) and the final clip to [0, 1].
/// </summary>
public abstract class Corruption : ICorruption
{
    public const int MinSeverity = 1, MaxSeverity = 5;

    public abstract string Name { get; }
    public abstract CorruptionFamily Family { get; }

    public Tensor Apply(Tensor pixels, int severity, ulong seed)
    {
        if (severity is < MinSeverity or > MaxSeverity)
            throw new ArgumentOutOfRangeException(nameof(severity), $"severity: must be in [{MinSeverity}, {MaxSeverity}] (got {severity}).");
        if (pixels.dim() != 4 || pixels.shape[1] is not (1 or 3))
            throw new ArgumentException($"pixels: expected (N, C, H, W) with 1 or 3 channels, got ({string.Join(", ", pixels.shape)}).", nameof(pixels));
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var generator = SeededNoise.Generator(seed);
        var x = pixels.to_type(ScalarType.Float32);
        return Corrupt(x, severity - 1, generator).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The corruption before clipping; <paramref name="level"/> is severity - 1, an index into the table.</summary>
    protected abstract Tensor Corrupt(Tensor x, int level, Generator generator);

    /// <summary>Per image, -1 or +1 with equal chance (the random directions of MNIST-C's affine corruptions).</summary>
    protected static double[] RandomSigns(long count, Generator generator)
    {
        using var u = SeededNoise.Uniform([count], generator, CPU);
        return u.data<float>().ToArray().Select(v => v < 0.5f ? -1.0 : 1.0).ToArray();
    }
}

/// <summary>The four groups of the corruption benchmarks; calibration is reported in detail for <see cref="Noise"/>.</summary>
public enum CorruptionFamily { Noise, Blur, Digital, Geometric }

/// <summary>Applying a corruption to an <see cref="ImageSet"/> (labels unchanged).</summary>
public static class CorruptionExtensions
{
    public static ImageSet Apply(this ICorruption corruption, ImageSet set, int severity, ulong seed)
    {
        var s = set.Shape;
        using var x = tensor(set.Pixels, [set.Count, s.Channels, s.Height, s.Width]);
        using var y = corruption.Apply(x, severity, seed);
        return new ImageSet(set.Name, s, set.Classes, y.data<float>().ToArray(), set.Labels);
    }
}
