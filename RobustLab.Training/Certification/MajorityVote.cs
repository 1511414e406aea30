using RobustLab.Training.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Certification;

/// <summary>Majority-vote sigma-robustness at one sigma.</summary>
public sealed record MajorityVotePoint(double Sigma, double Robustness);

/// <summary>
/// Majority-vote sigma-robustness (docs/method.md, section "Certified robustness"): at a sigma, the share of images for
/// which more than half of m noisy copies x + e, e ~ N(0, sigma^2 I), keep the clean prediction f(x). Several images'
/// copies share a forward pass; the token is checked before every batch.
/// </summary>
public static class MajorityVote
{
    /// <param name="x">Clean images (N, C, H, W) in pixel units, on the device.</param>
    /// <param name="clean">f(x), (N) class indices.</param>
    public static double At(Func<Tensor, Tensor> classify, Tensor x, Tensor clean, double sigma, int samples, int batchSize,
        Generator generator, CancellationToken ct = default)
    {
        using var _ = no_grad();
        long n = x.shape[0];
        long[] imageShape = x.shape[1..];
        long perBatch = Math.Max(1, batchSize / samples);
        using var noise = new NoisyCopies(sigma, x.device);
        long kept = 0;
        for (long start = 0; start < n; start += perBatch)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long images = Math.Min(perBatch, n - start);
            var chunk = x.narrow(0, start, images).unsqueeze(1);
            var noisy = noise.Draw(chunk, images * samples, imageShape, generator);
            var agree = classify(noisy).view(images, samples).eq(clean.narrow(0, start, images).unsqueeze(1)).sum(1);
            kept += agree.mul(2).gt(samples).sum().item<long>();
        }
        return kept / (double)n;
    }

    /// <summary>The robustness at each sigma of <paramref name="sigmas"/>, each sigma with its own seeded generator.</summary>
    public static IReadOnlyList<MajorityVotePoint> Curve(Func<Tensor, Tensor> classify, Tensor x, Tensor clean,
        IReadOnlyList<double> sigmas, int samples, int batchSize, int seed, CancellationToken ct = default)
    {
        var curve = new List<MajorityVotePoint>(sigmas.Count);
        for (int i = 0; i < sigmas.Count; i++)
        {
            using var generator = SeededNoise.Generator(Seeds.Mix(seed, i));
            curve.Add(new MajorityVotePoint(sigmas[i], At(classify, x, clean, sigmas[i], samples, batchSize, generator, ct)));
        }
        return curve;
    }
}
