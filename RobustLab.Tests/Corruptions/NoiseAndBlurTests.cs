using RobustLab.Training.Corruptions;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Corruptions;

/// <summary>The corruptions' statistics and kernels against their closed forms.</summary>
public sealed class NoiseAndBlurTests
{
    public NoiseAndBlurTests() => TorchRuntime.EnsureLoaded();

    // 64 x 28 x 28 = 50,176 pixels: the sample standard deviation is within 1% of sigma with overwhelming probability.
    static Tensor MidGrey() => GeneratedImages.Grey(64, 1, 28, 0.5f);

    [Theory, InlineData(1), InlineData(5)]
    public void Gaussian_noise_has_mean_zero_and_standard_deviation_c(int severity)
    {
        using var x = MidGrey();
        using var y = new GaussianNoise().Apply(x, severity, seed: 3);
        using var noise = y - x;
        double c = GaussianNoise.Sigma[severity - 1];
        long n = noise.numel();
        Assert.InRange(noise.mean().item<float>(), -5 * c / Math.Sqrt(n), 5 * c / Math.Sqrt(n));
        // sd of the sample variance is c^2 sqrt(2 / n); clipping at 0 and 1 is 5 sigma away at most.
        Assert.InRange(noise.var().item<float>(), c * c * (1 - 5 * Math.Sqrt(2.0 / n)), c * c * (1 + 5 * Math.Sqrt(2.0 / n)));
    }

    [Theory, InlineData(1), InlineData(5)]
    public void Shot_noise_keeps_the_mean_and_has_poisson_variance_x_over_c(int severity)
    {
        using var x = MidGrey();
        using var y = new ShotNoise().Apply(x, severity, seed: 4);
        double c = ShotNoise.Photons[severity - 1], variance = 0.5 / c;
        long n = y.numel();
        Assert.InRange(y.mean().item<float>(), 0.5 - 5 * Math.Sqrt(variance / n), 0.5 + 5 * Math.Sqrt(variance / n));
        // Poisson(lambda) has variance lambda; divided by c: lambda / c^2 = x / c. Relative sd of a sample variance ~ sqrt(2 / n).
        Assert.InRange(y.var().item<float>(), variance * (1 - 6 * Math.Sqrt(2.0 / n)), variance * (1 + 6 * Math.Sqrt(2.0 / n)));
        // Counts are whole photons.
        using var counts = y * (float)c;
        Assert.True(counts.sub(counts.round()).abs().max().item<float>() < 1e-3);
    }

    [Fact]
    public void Impulse_noise_replaces_a_share_c_of_values_half_with_salt_half_with_pepper()
    {
        using var x = MidGrey();
        using var y = new ImpulseNoise().Apply(x, 5, seed: 5);
        double c = ImpulseNoise.Amount[4];
        long n = y.numel();
        double salt = y.eq(1f).sum().item<long>() / (double)n, pepper = y.eq(0f).sum().item<long>() / (double)n;
        double sd = Math.Sqrt(c / 2 / n);
        Assert.InRange(salt, c / 2 - 5 * sd, c / 2 + 5 * sd);
        Assert.InRange(pepper, c / 2 - 5 * sd, c / 2 + 5 * sd);
    }

    [Fact]
    public void Blur_kernels_sum_to_one()
    {
        foreach (double sigma in GaussianBlur.Sigma)
            Assert.Equal(1.0, BlurKernels.Gaussian1D(sigma).Sum(), 5);
        foreach (var (radius, alias) in DefocusBlur.Disk)
            Assert.Equal(1.0, BlurKernels.Disk(radius, alias).Cast<float>().Sum(), 5);
        foreach (var (radius, sigma) in MotionBlur.Streak)
            foreach (double angle in new[] { -45.0, -10, 0, 30, 45 })
                Assert.Equal(1.0, BlurKernels.Motion(radius, sigma, angle).Sum(t => t.Weight), 5);
    }

    [Fact]
    public void Blurs_leave_a_constant_image_constant()
    {
        using var x = GeneratedImages.Grey(4, 3, 32, 0.3f);
        foreach (string name in new[] { CorruptionCatalog.GaussianBlur, CorruptionCatalog.DefocusBlur, CorruptionCatalog.MotionBlur })
        {
            using var y = CorruptionCatalog.Create(name).Apply(x, 5, seed: 6);
            Assert.True((y - x).abs().max().item<float>() < 1e-5, name);
        }
    }

    [Fact]
    public void Gaussian_kernel_matches_the_closed_form_at_sigma_1()
    {
        // radius int(4 * 1 + 0.5) = 4; taps exp(-t^2 / 2) / sum.
        var taps = BlurKernels.Gaussian1D(1.0);
        Assert.Equal(9, taps.Length);
        double sum = Enumerable.Range(-4, 9).Sum(t => Math.Exp(-t * t / 2.0));
        Assert.Equal(1 / sum, taps[4], 6);
        Assert.Equal(Math.Exp(-0.5) / sum, taps[3], 6);
    }

    [Fact]
    public void Rotate_by_zero_is_the_identity_and_by_a_quarter_turn_moves_a_pixel_where_expected()
    {
        using var x = GeneratedImages.Pattern(2, 3, 28);
        using var same = Rotate.By(x, [0.0, 0.0]);
        Assert.True((same - x).abs().max().item<float>() < 1e-5);

        // Inverse map: output (col, row) reads input at R(theta) ((col, row) - centre) + centre; for theta = pi/2 the
        // output pixel (col 20, row 13.5 +- 0) reads the input at (13.5 - (13.5 - 13.5), 13.5 + (20 - 13.5)).
        using var dot = zeros(1, 1, 28, 28);
        dot[0, 0, 20, 10] = tensor(1f); // row 20, column 10
        using var turned = Rotate.By(dot, [Math.PI / 2]);
        // Input (col 10, row 20) = R (out - c) + c  =>  out - c = R^-1 (-3.5, 6.5) = (6.5, 3.5)  =>  out = (col 20, row 17).
        Assert.Equal(1f, turned[0, 0, 17, 20].item<float>(), 4);
    }

    [Fact]
    public void Translate_moves_by_whole_pixels_and_brightness_adds_c_to_grey()
    {
        using var grey = GeneratedImages.Grey(2, 1, 28, 0.5f);
        using var brighter = new Brightness().Apply(grey, 5, seed: 0);
        Assert.True((brighter - (0.5f + (float)Brightness.Offset[4])).abs().max().item<float>() < 1e-6);

        using var x = GeneratedImages.Pattern(1, 1, 28);
        using var moved = new Translate().Apply(x, 3, seed: 0);
        // Some shift by +-3 in each axis reproduces the interior exactly.
        bool found = false;
        foreach (int dy in new[] { -3, 3 })
            foreach (int dx in new[] { -3, 3 })
            {
                using var rolled = x.roll([dy, dx], [2, 3]);
                using var inner = (rolled - moved).narrow(2, 4, 20).narrow(3, 4, 20);
                found |= inner.abs().max().item<float>() < 1e-5;
            }
        Assert.True(found);
    }

    [Fact]
    public void Jpeg_tables_follow_the_ijg_quality_scaling()
    {
        // Quality 50 keeps the standard table; 80 scales by 0.4; 40 by 1.25.
        int[] table = [16, 11, 99];
        Assert.Equal([16f, 11f, 99f], JpegCompression.ScaledTable(table, 50));
        Assert.Equal([6f, 4f, 40f], JpegCompression.ScaledTable(table, 80));
        Assert.Equal([20f, 14f, 124f], JpegCompression.ScaledTable(table, 40));
    }
}
