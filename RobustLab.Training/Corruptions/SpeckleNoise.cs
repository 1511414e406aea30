using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>Multiplicative noise x + x * c * N(0, 1), clipped.</summary>
public sealed class SpeckleNoise : Corruption
{
    /// <summary>Standard deviation c per severity: Hendrycks and Dietterich (2019), make_cifar_c.py, speckle_noise.</summary>
    public static readonly double[] Sigma = [0.06, 0.10, 0.12, 0.16, 0.20];

    public override string Name => CorruptionCatalog.SpeckleNoise;
    public override CorruptionFamily Family => CorruptionFamily.Noise;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator) =>
        x + x * SeededNoise.Normal(x.shape, generator, x.device) * Sigma[level];
}
