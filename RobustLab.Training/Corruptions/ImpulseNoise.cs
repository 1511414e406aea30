using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>
/// Salt-and-pepper noise as skimage's random_noise(mode='s&amp;p'): each value (pixel and channel) is replaced with
/// probability c, by 1 or 0 with equal chance.
/// </summary>
public sealed class ImpulseNoise : Corruption
{
    /// <summary>Replaced share c per severity: Hendrycks and Dietterich (2019), make_cifar_c.py, impulse_noise.</summary>
    public static readonly double[] Amount = [0.01, 0.02, 0.03, 0.05, 0.07];

    public override string Name => CorruptionCatalog.ImpulseNoise;
    public override CorruptionFamily Family => CorruptionFamily.Noise;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator)
    {
        var flipped = SeededNoise.Uniform(x.shape, generator, x.device).lt(Amount[level]);
        var salt = SeededNoise.Uniform(x.shape, generator, x.device).lt(0.5);
        return x.masked_fill(flipped.logical_and(salt), 1f).masked_fill(flipped.logical_and(salt.logical_not()), 0f);
    }
}
