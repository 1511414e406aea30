using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>Shear about the centre, direction random per image (MNIST-C; skimage's AffineTransform(shear=c) of 2018).</summary>
public sealed class Shear : Corruption
{
    /// <summary>Shear angle c in radians per severity: Mu and Gilmer (2019), MNIST-C corruptions.py, shear.</summary>
    public static readonly double[] Radians = [0.2, 0.4, 0.6, 0.8, 1.0];

    public override string Name => CorruptionCatalog.Shear;
    public override CorruptionFamily Family => CorruptionFamily.Geometric;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator) =>
        AffineWarp.Apply(x, RandomSigns(x.shape[0], generator)
            .Select(s => s * Radians[level])
            .Select(c => new AffineMap(1, -Math.Sin(c), 0, Math.Cos(c))).ToArray());
}
