using RobustLab.Training.Runtime;
using RobustLab.Training.Models;
using static TorchSharp.torch;

namespace RobustLab.Training.Evaluation;

/// <summary>
/// Gaussian Network Robustness (docs/method.md, section "GNR"): for each of <c>steps</c> evenly spaced sigma in [0, maxSigma],
/// add to every test image ONE noise vector with a direction uniform on the sphere and L2 norm sigma * sqrt(d)
/// (the average energy of N(0, sigma^2 I)), and count the images whose prediction equals the clean prediction.
/// Unlike the reference code the norm is not jittered, so a fixed seed gives exactly reproducible curves.
/// </summary>
public static class Gnr
{
    public static IReadOnlyList<GnrPoint> Curve(SplitNetwork model, Tensor x, Tensor cleanPredictions, int steps, double maxSigma,
        int batchSize, int seed, CancellationToken ct = default)
    {
        long n = x.shape[0];
        double sqrtD = Math.Sqrt(x[0].numel());
        using var generator = SeededNoise.Generator((ulong)seed);
        var curve = new List<GnrPoint>(steps);
        foreach (double sigma in Sigmas(steps, maxSigma))
        {
            ct.ThrowIfCancellationRequested();
            double norm = sigma * sqrtD;
            using var noisy = Predictions.Of(model, x, batchSize, batch =>
            {
                var direction = SeededNoise.Normal(batch.shape, generator, batch.device);
                // Two full-size passes (the norm and one fused multiply-add) instead of five: evaluation runs at inference speed.
                var scale = linalg.vector_norm(direction.flatten(1), dims: [1], keepdim: true).reciprocal_().mul_(norm);
                return addcmul(batch, direction, scale.reshape(-1, 1, 1, 1), 1);
            });
            using var same = noisy.eq(cleanPredictions).sum();
            curve.Add(new GnrPoint(sigma, same.item<long>() / (double)n));
        }
        return curve;
    }

    /// <summary>The GNR sigma grid: <paramref name="steps"/> evenly spaced sigmas in [0, maxSigma] (just 0 when steps is 1).</summary>
    public static IReadOnlyList<double> Sigmas(int steps, double maxSigma) =>
        Enumerable.Range(0, steps).Select(i => steps == 1 ? 0 : maxSigma * i / (steps - 1)).ToArray();

    /// <summary>The paper's scalar: the mean of the curve over its sigmas.</summary>
    public static double Mean(IReadOnlyList<GnrPoint> curve) => curve.Average(p => p.Consistency);

    /// <summary>The reference code's scalar: trapezoid area under the curve divided by the sigma range.</summary>
    public static double Trapezoid(IReadOnlyList<GnrPoint> curve)
    {
        if (curve.Count < 2) return curve.Count == 1 ? curve[0].Consistency : double.NaN;
        double area = 0;
        for (int i = 1; i < curve.Count; i++)
            area += (curve[i].Sigma - curve[i - 1].Sigma) * (curve[i].Consistency + curve[i - 1].Consistency) / 2;
        return area / (curve[^1].Sigma - curve[0].Sigma);
    }
}
