using static TorchSharp.torch;

namespace RobustLab.Tests.Corruptions;

/// <summary>Synthetic test images: smooth waves plus a sharp bright square, so that noise, blur, contrast and warps all show.</summary>
public static class GeneratedImages
{
    public static Tensor Pattern(int count, int channels, int size)
    {
        var pixels = new float[count * channels * size * size];
        for (int n = 0; n < count; n++)
            for (int ch = 0; ch < channels; ch++)
                for (int r = 0; r < size; r++)
                    for (int c = 0; c < size; c++)
                    {
                        bool square = r > size / 4 && r < size / 2 + 2 && c > size / 3 && c < 3 * size / 4;
                        double wave = 0.45 + 0.3 * Math.Sin(0.4 * r + n) * Math.Cos(0.3 * c + ch);
                        pixels[((n * channels + ch) * size + r) * size + c] = (float)(square ? 0.95 : wave);
                    }
        return tensor(pixels, [count, channels, size, size]);
    }

    /// <summary>Every pixel the same grey.</summary>
    public static Tensor Grey(int count, int channels, int size, float value) => full([count, channels, size, size], value);

    public static double L2(Tensor a, Tensor b)
    {
        using var d = (a - b).square().sum();
        return Math.Sqrt(d.item<float>());
    }
}
