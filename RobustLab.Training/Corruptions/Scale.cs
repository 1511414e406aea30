using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>Shrinks the image about its centre: the inverse map reads the input at s times the distance from the centre.</summary>
public sealed class Scale : Corruption
{
    /// <summary>Inverse-map factor s per severity: Mu and Gilmer (2019), MNIST-C corruptions.py, scale (1/0.9 .. 1/0.5).</summary>
    public static readonly double[] Factor = [1 / 0.9, 1 / 0.8, 1 / 0.7, 1 / 0.6, 1 / 0.5];

    public override string Name => CorruptionCatalog.Scale;
    public override CorruptionFamily Family => CorruptionFamily.Geometric;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator) =>
        AffineWarp.Apply(x, Enumerable.Repeat(new AffineMap(Factor[level], 0, 0, Factor[level]), (int)x.shape[0]).ToArray());
}
