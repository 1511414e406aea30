using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>x + c * N(0, 1), clipped.</summary>
public sealed class GaussianNoise : Corruption
{
    /// <summary>Standard deviation c per severity: Hendrycks and Dietterich (2019), make_cifar_c.py, gaussian_noise.</summary>
    public static readonly double[] Sigma = [0.04, 0.06, 0.08, 0.09, 0.10];

    public override string Name => CorruptionCatalog.GaussianNoise;
    public override CorruptionFamily Family => CorruptionFamily.Noise;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator) =>
        x + SeededNoise.Normal(x.shape, generator, x.device) * Sigma[level];
}
