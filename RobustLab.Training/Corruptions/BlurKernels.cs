using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>
/// The blur kernels of the corruption benchmarks, each normalised to sum to 1, and depthwise convolution that applies
/// them with conv2d. Kernels are tiny (a few dozen taps), so they are built as arrays; the images never are.
/// </summary>
public static class BlurKernels
{
    /// <summary>
    /// scipy/skimage gaussian_filter's kernel: taps exp(-t^2 / (2 sigma^2)) for |t| up to int(truncate * sigma + 0.5).
    /// </summary>
    public static float[] Gaussian1D(double sigma, double truncate = 4.0)
    {
        int radius = (int)(truncate * sigma + 0.5);
        var taps = Enumerable.Range(-radius, 2 * radius + 1).Select(t => Math.Exp(-t * t / (2 * sigma * sigma))).ToArray();
        double sum = taps.Sum();
        return taps.Select(t => (float)(t / sum)).ToArray();
    }

    /// <summary>
    /// Hendrycks's defocus disk: the pixels within <paramref name="radius"/> of the centre on a 17 x 17 grid, normalised,
    /// then anti-aliased by OpenCV's 3 x 3 Gaussian blur with sigma <paramref name="aliasBlur"/>; trimmed to its support.
    /// </summary>
    public static float[,] Disk(double radius, double aliasBlur)
    {
        const int half = 8, size = 2 * half + 1; // make_cifar_c.py: L = arange(-8, 8 + 1) for radius <= 8
        if (radius > half) throw new ArgumentOutOfRangeException(nameof(radius), $"radius: at most {half} (got {radius}).");
        var disk = new double[size, size];
        int inside = 0;
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
                if ((i - half) * (i - half) + (j - half) * (j - half) <= radius * radius) { disk[i, j] = 1; inside++; }
        var g = Enumerable.Range(-1, 3).Select(t => Math.Exp(-t * t / (2 * aliasBlur * aliasBlur))).ToArray();
        double gs = g.Sum();
        var blurred = new double[size, size];
        for (int i = 1; i < size - 1; i++) // the disk stays inside the grid, so the border never matters
            for (int j = 1; j < size - 1; j++)
                for (int a = -1; a <= 1; a++)
                    for (int b = -1; b <= 1; b++)
                        blurred[i, j] += g[a + 1] * g[b + 1] / (gs * gs) * disk[i + a, j + b] / inside;
        int reach = 0;
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
                if (blurred[i, j] > 0) reach = Math.Max(reach, Math.Max(Math.Abs(i - half), Math.Abs(j - half)));
        var kernel = new float[2 * reach + 1, 2 * reach + 1];
        for (int i = 0; i < kernel.GetLength(0); i++)
            for (int j = 0; j < kernel.GetLength(1); j++)
                kernel[i, j] = (float)blurred[half - reach + i, half - reach + j];
        return kernel;
    }

    /// <summary>
    /// ImageMagick's MotionBlurImage kernel for one angle: width = 2 ceil(radius) + 1 one-sided taps
    /// exp(-i^2 / (2 sigma^2)), normalised, at offsets (round(i cos a), round(i sin a)) from the pixel.
    /// </summary>
    public static (int Dx, int Dy, float Weight)[] Motion(double radius, double sigma, double angleDegrees)
    {
        int width = (int)(2 * Math.Ceiling(radius) + 1);
        var taps = Enumerable.Range(0, width).Select(i => Math.Exp(-(double)i * i / (2 * sigma * sigma))).ToArray();
        double sum = taps.Sum();
        double a = angleDegrees * Math.PI / 180;
        return Enumerable.Range(0, width)
            .Select(i => ((int)Math.Ceiling(i * Math.Cos(a) - 0.5), (int)Math.Ceiling(i * Math.Sin(a) - 0.5), (float)(taps[i] / sum)))
            .ToArray();
    }

    /// <summary>One kernel (kh, kw) applied to every channel of every image, the border padded with <paramref name="mode"/>.</summary>
    public static Tensor Convolve(Tensor x, Tensor kernel, PaddingModes mode)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long kh = kernel.shape[0], kw = kernel.shape[1];
        var planes = x.reshape(n * c, 1, h, w);
        var padded = nn.functional.pad(planes, [kw / 2, kw / 2, kh / 2, kh / 2], mode);
        var weight = kernel.to(x.device).reshape(1, 1, kh, kw);
        return nn.functional.conv2d(padded, weight).reshape(n, c, h, w);
    }

    /// <summary>
    /// One kernel per image (N, kh, kw), applied to each of its channels: a grouped conv2d over the batch. The padding
    /// is (left, right, top, bottom), so a one-sided kernel need not be centred.
    /// </summary>
    public static Tensor ConvolvePerImage(Tensor x, Tensor kernels, long[] padding, PaddingModes mode)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long kh = kernels.shape[1], kw = kernels.shape[2];
        var padded = nn.functional.pad(x.reshape(1, n * c, h, w), padding, mode);
        var weight = kernels.to(x.device).repeat_interleave(c, dim: 0).reshape(n * c, 1, kh, kw);
        return nn.functional.conv2d(padded, weight, groups: n * c).reshape(n, c, h, w);
    }
}
