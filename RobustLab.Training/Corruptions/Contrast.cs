using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>Pulls every pixel towards its image's per-channel mean: (x - mean) * c + mean.</summary>
public sealed class Contrast : Corruption
{
    /// <summary>Contrast factor c per severity: Hendrycks and Dietterich (2019), make_cifar_c.py, contrast.</summary>
    public static readonly double[] Factor = [0.75, 0.5, 0.4, 0.3, 0.15];

    public override string Name => CorruptionCatalog.Contrast;
    public override CorruptionFamily Family => CorruptionFamily.Digital;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator)
    {
        var mean = x.mean([2, 3], keepdim: true);
        return (x - mean) * Factor[level] + mean;
    }
}
