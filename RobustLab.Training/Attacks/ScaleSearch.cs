using static TorchSharp.torch;

namespace RobustLab.Training.Attacks;

/// <summary>
/// The minimal-perturbation search the scalar attacks share: an increasing geometric grid of scales finds, per image,
/// the first scale at which the probe is adversarial; bisection between the last failing and the first succeeding
/// scale then narrows it. The adversarial returned is always one a probe produced and confirmed, never extrapolated.
/// </summary>
internal static class ScaleSearch
{
    /// <summary>probe(scales [B]) returns the perturbed images at those scales and whether each is adversarial.</summary>
    public delegate (Tensor Images, Tensor Adversarial) Probe(Tensor scales);

    public static Tensor Smallest(Tensor images, Probe probe, double first, double last, double growth, int bisectionSteps,
        CancellationToken ct)
    {
        long n = images.shape[0];
        var device = images.device;
        var best = images.clone();
        var found = zeros(n, ScalarType.Bool, device);
        var lo = zeros(n, device: device);
        var hi = zeros(n, device: device);
        double previous = 0;
        for (double s = first; ; s = Math.Min(s * growth, last))
        {
            ct.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                var (candidate, adversarial) = probe(full(n, s, device: device));
                var newly = adversarial.logical_and(found.logical_not());
                InputGradient.Replace(ref best, where(InputGradient.PerImage(newly, best), candidate, best));
                InputGradient.Replace(ref lo, where(newly, full(n, previous, device: device), lo));
                InputGradient.Replace(ref hi, where(newly, full(n, s, device: device), hi));
                InputGradient.Replace(ref found, found.logical_or(newly));
                if (found.all().item<bool>() || s >= last) break;
            }
            previous = s;
        }
        for (int step = 0; step < bisectionSteps; step++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var mid = (lo + hi) / 2;
            var (candidate, adversarial) = probe(mid);
            var better = adversarial.logical_and(found);
            InputGradient.Replace(ref best, where(InputGradient.PerImage(better, best), candidate, best));
            InputGradient.Replace(ref hi, where(better, mid, hi));
            InputGradient.Replace(ref lo, where(better, lo, mid));
        }
        found.Dispose(); lo.Dispose(); hi.Dispose();
        return best;
    }

    /// <summary>
    /// Pulls each adversarial in <paramref name="adversarials"/> back towards its image along its own perturbation:
    /// the smallest t in (0, 1] with clip(x + t * delta) still adversarial, by bisection. Images that are not
    /// adversarial are returned unchanged.
    /// </summary>
    public static Tensor Shrink(nn.Module<Tensor, Tensor> model, Tensor images, Tensor adversarials, Tensor labels, int bisectionSteps,
        CancellationToken ct)
    {
        using var delta = adversarials - images;
        using var isAdversarial = AttackSuite.Fooled(model, adversarials, labels);
        var best = adversarials.clone();
        var lo = zeros(images.shape[0], device: images.device);
        var hi = ones(images.shape[0], device: images.device);
        for (int step = 0; step < bisectionSteps; step++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var mid = (lo + hi) / 2;
            var candidate = (images + InputGradient.PerImage(mid, images) * delta).clamp(0, 1);
            var better = AttackSuite.Fooled(model, candidate, labels).logical_and(isAdversarial);
            InputGradient.Replace(ref best, where(InputGradient.PerImage(better, best), candidate, best));
            InputGradient.Replace(ref hi, where(better, mid, hi));
            InputGradient.Replace(ref lo, where(better, lo, mid));
        }
        lo.Dispose(); hi.Dispose();
        return best;
    }
}
