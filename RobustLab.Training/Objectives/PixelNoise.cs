using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Training.Objectives;

/// <summary>
/// Gaussian noise N(0, sigma^2) in pixel units, added before the network normalises its input (docs/method.md,
/// section "Units and normalisation"), unclipped. Every method that trains on noisy images draws it here.
/// </summary>
public static class PixelNoise
{
    /// <summary>pixels + sigma * n with n ~ N(0, I) from <paramref name="generator"/>; rows where <paramref name="rows"/> is false stay clean.</summary>
    public static Tensor Add(Tensor pixels, double sigma, Generator generator, Tensor? rows = null)
    {
        using var noise = SeededNoise.Normal(pixels.shape, generator, pixels.device);
        if (rows is not null)
        {
            using var mask = rows.to_type(pixels.dtype).reshape(-1, 1, 1, 1);
            noise.mul_(mask);
        }
        noise.mul_(sigma);
        return pixels + noise;
    }

    /// <summary>m noisy copies of the batch, copy-major: rows [j n, (j + 1) n) are copy j of the n images.</summary>
    public static Tensor Copies(Tensor pixels, int m, double sigma, Generator generator)
    {
        using var repeated = pixels.repeat(m, 1, 1, 1);
        return Add(repeated, sigma, generator);
    }
}
