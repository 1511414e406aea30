using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>Rotation about the centre by c radians, clockwise or anticlockwise at random per image (MNIST-C).</summary>
public sealed class Rotate : Corruption
{
    /// <summary>Angle c in radians per severity: Mu and Gilmer (2019), MNIST-C corruptions.py, rotate.</summary>
    public static readonly double[] Radians = [0.2, 0.4, 0.6, 0.8, 1.0];

    public override string Name => CorruptionCatalog.Rotate;
    public override CorruptionFamily Family => CorruptionFamily.Geometric;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator) =>
        By(x, RandomSigns(x.shape[0], generator).Select(s => s * Radians[level]).ToArray());

    /// <summary>Each image rotated by its angle (skimage AffineTransform(rotation) as the inverse map).</summary>
    public static Tensor By(Tensor x, IReadOnlyList<double> radians) =>
        AffineWarp.Apply(x, radians.Select(a => new AffineMap(Math.Cos(a), -Math.Sin(a), Math.Sin(a), Math.Cos(a))).ToArray());
}
