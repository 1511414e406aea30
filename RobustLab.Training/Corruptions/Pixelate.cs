using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>
/// Box down-sampling to int(c * H) x int(c * W) and box (nearest) up-sampling back, as PIL's resize(BOX) twice. The
/// down-sampling is adaptive average pooling, whose bins are whole pixels where PIL weighs partly covered ones.
/// </summary>
public sealed class Pixelate : Corruption
{
    /// <summary>Size factor c per severity: Hendrycks and Dietterich (2019), make_cifar_c.py, pixelate.</summary>
    public static readonly double[] Factor = [0.95, 0.9, 0.85, 0.75, 0.65];

    public override string Name => CorruptionCatalog.Pixelate;
    public override CorruptionFamily Family => CorruptionFamily.Digital;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator)
    {
        long h = x.shape[2], w = x.shape[3];
        long sh = Math.Max(1, (long)(h * Factor[level])), sw = Math.Max(1, (long)(w * Factor[level]));
        var small = nn.functional.adaptive_avg_pool2d(x, [sh, sw]);
        return nn.functional.interpolate(small, [h, w], mode: InterpolationMode.Nearest);
    }
}
