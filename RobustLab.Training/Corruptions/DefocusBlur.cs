using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>Convolution with an anti-aliased disk (a defocused lens), OpenCV's default reflect-101 border.</summary>
public sealed class DefocusBlur : Corruption
{
    /// <summary>(disk radius, anti-alias sigma) per severity: Hendrycks and Dietterich (2019), make_cifar_c.py, defocus_blur.</summary>
    public static readonly (double Radius, double AliasBlur)[] Disk = [(0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (1, 0.2), (1.5, 0.1)];

    public override string Name => CorruptionCatalog.DefocusBlur;
    public override CorruptionFamily Family => CorruptionFamily.Blur;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator)
    {
        var (radius, aliasBlur) = Disk[level];
        return BlurKernels.Convolve(x, tensor(BlurKernels.Disk(radius, aliasBlur)), PaddingModes.Reflect);
    }
}
