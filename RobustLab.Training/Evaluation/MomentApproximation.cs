using RobustLab.Training.Runtime;
using RobustLab.Training.Models;
using RobustLab.Training.Moments;
using static TorchSharp.torch;

namespace RobustLab.Training.Evaluation;

/// <summary>
/// How good the paper's approximation E[Phi(x + n)] ~= Omega(T(mu2, s2)) is for a trained network at a given sigma:
/// the accuracy of the analytic-mean predictions, and the relative L2 gap between the analytic mean logits and their
/// Monte-Carlo estimate. A large gap says alpha and sigma pushed the linearisation of Omega too far.
/// </summary>
public static class MomentApproximation
{
    /// <summary>Logits Omega(T(mu2, s2)) for a batch, with s2 from the variance map at <paramref name="sigma"/>.</summary>
    public static Tensor MeanLogits(SplitNetwork model, Tensor pixels, Tensor firstLayerStd)
    {
        using var scope = NewDisposeScope();
        var mu3 = ReluMoments.Mean(model.PreActivation(pixels), firstLayerStd);
        return model.Omega(mu3).MoveToOuterDisposeScope();
    }

    /// <summary>s2 of the network's first layer for input noise N(0, sigma^2) in pixel units.</summary>
    public static Tensor FirstLayerStd(SplitNetwork model, double sigma, Device device)
    {
        var input = model.Spec.Input;
        using var variance = VarianceMap.InputVariance(sigma, model.Spec.Normalization.Std, input.Height, input.Width, device);
        return VarianceMap.StdThroughFirstLayer(model.Upsilon, variance);
    }

    /// <summary>Accuracy of argmax Omega(T(mu2, s2)) against the labels.</summary>
    public static double Accuracy(SplitNetwork model, Tensor x, Tensor labels, double sigma, int batchSize)
    {
        using var _ = no_grad();
        using var s2 = FirstLayerStd(model, sigma, x.device);
        long n = x.shape[0], correct = 0;
        for (long start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(batchSize, n - start);
            var logits = MeanLogits(model, x.narrow(0, start, count), s2);
            correct += logits.argmax(1).eq(labels.narrow(0, start, count)).sum().item<long>();
        }
        return (double)correct / n;
    }

    /// <summary>
    /// ||A - M||_F / ||M||_F over the images of x, where A holds the analytic mean logits and M the mean logits of
    /// <paramref name="samples"/> noisy copies x + N(0, sigma^2) of each image.
    /// </summary>
    /// <param name="batchSize">Noisy copies per forward pass (whole images' worth, at least one image).</param>
    public static double RelativeGap(SplitNetwork model, Tensor x, double sigma, int samples, int seed, CancellationToken ct = default,
        int batchSize = 2048)
    {
        using var _ = no_grad();
        using var s2 = FirstLayerStd(model, sigma, x.device);
        using var generator = SeededNoise.Generator((ulong)seed);
        long n = x.shape[0];
        int imagesPerBatch = Math.Max(1, batchSize / samples);
        double diffSq = 0, meanSq = 0;
        for (long start = 0; start < n; start += imagesPerBatch)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long count = Math.Min(imagesPerBatch, n - start);
            var batch = x.narrow(0, start, count);
            var analytic = MeanLogits(model, batch, s2);
            // samples noisy copies of each image, image-major, built in place on the noise (no repeated copy of the batch).
            long[] copyShape = [count * samples, .. batch.shape[1..]];
            var noise = SeededNoise.Normal(copyShape, generator, x.device);
            var noisy = noise.view([count, samples, .. batch.shape[1..]]).mul_(sigma).add_(batch.unsqueeze(1)).view(copyShape);
            var monteCarlo = model.call(noisy).reshape(count, samples, -1).mean([1]);
            diffSq += (analytic - monteCarlo).square().sum().item<float>();
            meanSq += monteCarlo.square().sum().item<float>();
        }
        return Math.Sqrt(diffSq / meanSq);
    }
}
