using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>Photon (Poisson) noise: Poisson(c * x) / c, so a pixel keeps its mean and gets variance x / c.</summary>
public sealed class ShotNoise : Corruption
{
    /// <summary>Photon count c per severity: Hendrycks and Dietterich (2019), make_cifar_c.py, shot_noise.</summary>
    public static readonly double[] Photons = [500, 250, 100, 75, 50];

    public override string Name => CorruptionCatalog.ShotNoise;
    public override CorruptionFamily Family => CorruptionFamily.Noise;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator) =>
        SeededNoise.Poisson(x * Photons[level], generator) / Photons[level];
}
