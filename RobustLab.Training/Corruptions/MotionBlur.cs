using RobustLab.Training.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>
/// ImageMagick's motion blur (a one-sided Gaussian streak) at a random angle in [-45, 45] degrees per image, as one
/// grouped conv2d with a kernel per image; edge pixels repeat at the border (ImageMagick's default virtual pixels).
/// </summary>
public sealed class MotionBlur : Corruption
{
    /// <summary>(radius, sigma) per severity: Hendrycks and Dietterich (2019), make_cifar_c.py, motion_blur.</summary>
    public static readonly (double Radius, double Sigma)[] Streak = [(6, 1), (6, 1.5), (6, 2), (8, 2), (9, 2.5)];
    public const double MaxAngleDegrees = 45;

    public override string Name => CorruptionCatalog.MotionBlur;
    public override CorruptionFamily Family => CorruptionFamily.Blur;

    protected override Tensor Corrupt(Tensor x, int level, Generator generator)
    {
        long n = x.shape[0];
        var (radius, sigma) = Streak[level];
        var angles = SeededNoise.Uniform([n], generator, CPU).data<float>().ToArray()
            .Select(u => (2 * u - 1) * MaxAngleDegrees).ToArray();
        var streaks = angles.Select(a => BlurKernels.Motion(radius, sigma, a)).ToArray();
        int minX = streaks.Min(s => s.Min(t => t.Dx)), maxX = streaks.Max(s => s.Max(t => t.Dx));
        int minY = streaks.Min(s => s.Min(t => t.Dy)), maxY = streaks.Max(s => s.Max(t => t.Dy));
        int kh = maxY - minY + 1, kw = maxX - minX + 1;
        var weights = new float[n * kh * kw];
        for (int i = 0; i < n; i++)
            foreach (var (dx, dy, weight) in streaks[i])
                weights[(i * kh + dy - minY) * kw + dx - minX] += weight;
        // conv2d correlates: the output at p reads the padded input at p + (tap - min), i.e. the image at p + offset.
        return BlurKernels.ConvolvePerImage(x, tensor(weights, [n, kh, kw]), [-minX, maxX, -minY, maxY], PaddingModes.Replicate);
    }
}
