using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>Shifts the image by c pixels along each axis, each direction random per image (MNIST-C).</summary>
public sealed class Translate : Corruption
{
    /// <summary>Shift c in pixels per severity: Mu and Gilmer (2019), MNIST-C corruptions.py, translate.</summary>
    public static readonly double[] Pixels = [1, 2, 3, 4, 5];

    public override string Name => CorruptionCatalog.Translate;
    public override CorruptionFamily Family => CorruptionFamily.Geometric;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator)
    {
        long n = x.shape[0];
        var signs = RandomSigns(2 * n, generator);
        return AffineWarp.Apply(x, Enumerable.Range(0, (int)n)
            .Select(i => new AffineMap(1, 0, 0, 1, signs[2 * i] * Pixels[level], signs[2 * i + 1] * Pixels[level])).ToArray());
    }
}
