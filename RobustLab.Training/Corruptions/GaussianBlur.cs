using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>skimage.filters.gaussian (truncate 4, nearest border) as two separable conv2d passes.</summary>
public sealed class GaussianBlur : Corruption
{
    /// <summary>Blur sigma in pixels per severity: Hendrycks and Dietterich (2019), make_cifar_c.py, gaussian_blur.</summary>
    public static readonly double[] Sigma = [0.4, 0.6, 0.7, 0.8, 1.0];

    public override string Name => CorruptionCatalog.GaussianBlur;
    public override CorruptionFamily Family => CorruptionFamily.Blur;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator)
    {
        var taps = BlurKernels.Gaussian1D(Sigma[level]);
        var row = tensor(taps).reshape(1, taps.Length);
        var column = tensor(taps).reshape(taps.Length, 1);
        return BlurKernels.Convolve(BlurKernels.Convolve(x, row, PaddingModes.Replicate), column, PaddingModes.Replicate);
    }
}
