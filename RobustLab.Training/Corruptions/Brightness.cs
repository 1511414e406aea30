using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>
/// Adds c to the HSV value channel, keeping hue and saturation: every channel scales by V'/V, where V = max over the
/// channels and V' = min(V + c, 1); a black pixel (V = 0) becomes grey c. On one channel this is min(x + c, 1).
/// </summary>
public sealed class Brightness : Corruption
{
    /// <summary>Value offset c per severity: Hendrycks and Dietterich (2019), make_cifar_c.py, brightness.</summary>
    public static readonly double[] Offset = [0.05, 0.10, 0.15, 0.20, 0.30];

    public override string Name => CorruptionCatalog.Brightness;
    public override CorruptionFamily Family => CorruptionFamily.Digital;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator)
    {
        var value = x.amax([1], keepdim: true);
        var brighter = (value + Offset[level]).clamp_max(1);
        return where(value.gt(0), x * brighter / value.clamp_min(1e-12), brighter.expand_as(x));
    }
}
