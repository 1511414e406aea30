using static TorchSharp.torch;

namespace RobustLab.Training.Attacks;

/// <summary>
/// DeepFool-L2 (Moosavi-Dezfooli et al. 2016): linearise the network around the current point, step to the nearest
/// linearised boundary among the top candidate classes of the clean logits, repeat until the prediction flips; the
/// accumulated step is applied with a small overshoot. A final bisection along the perturbation removes what the
/// overshoot added beyond the boundary.
/// </summary>
public sealed class DeepFoolAttack : IAttack
{
    public string Name => AttackCatalog.DeepFool;

    public Tensor Run(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, AttackContext context)
    {
        var o = context.Options;
        long n = images.shape[0];
        Tensor candidates;
        using (no_grad())
        using (var clean = model.call(images))
        {
            // Candidate classes: the top logits other than the label (Foolbox: 10).
            int k = (int)Math.Min(o.DeepFoolCandidates, clean.shape[1] - 1);
            using var masked = InputGradient.OtherClasses(clean, labels);
            candidates = masked.topk(k, 1).indexes;
        }
        using var _c = candidates;
        var total = zeros_like(images);
        var result = images.clone();
        var done = zeros(n, ScalarType.Bool, images.device);
        for (int iteration = 0; iteration <= o.DeepFoolSteps; iteration++)
        {
            context.Cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var current = (images + total * (1 + o.DeepFoolOvershoot)).clamp(0, 1);
            var (logits, labelGradient) = InputGradient.Of(model, current, (z, _) => z.gather(1, labels.unsqueeze(1)).squeeze(1));
            var fooled = logits.argmax(1).ne(labels).logical_and(done.logical_not());
            InputGradient.Replace(ref result, where(InputGradient.PerImage(fooled, images), current, result));
            InputGradient.Replace(ref done, done.logical_or(fooled));
            if (iteration == o.DeepFoolSteps || done.all().item<bool>()) break;

            var labelLogit = logits.gather(1, labels.unsqueeze(1)).squeeze(1);
            Tensor? bestDistance = null, bestStep = null;
            for (int j = 0; j < candidates.shape[1]; j++)
            {
                var cls = candidates.narrow(1, j, 1);
                var (_, classGradient) = InputGradient.Of(model, current, (z, _) => z.gather(1, cls).squeeze(1));
                var w = classGradient - labelGradient;                       // gradient of f_k - f_label
                var f = logits.gather(1, cls).squeeze(1) - labelLogit;       // < 0 while the label wins
                var wNorm = w.flatten(1).norm(1).clamp_min(1e-12);
                var distance = f.abs() / wNorm;
                // Step onto the linearised boundary of class k (+1e-4 so it is crossed, as in the paper's code).
                var step = InputGradient.PerImage((f.abs() + 1e-4) / wNorm.square(), images) * w;
                if (bestDistance is null) { bestDistance = distance; bestStep = step; continue; }
                var closer = distance.lt(bestDistance);
                bestStep = where(InputGradient.PerImage(closer, images), step, bestStep!);
                bestDistance = where(closer, distance, bestDistance);
            }
            var active = InputGradient.PerImage(done.logical_not(), images);
            InputGradient.Replace(ref total, where(active, total + bestStep!, total));
        }
        var adversarial = where(InputGradient.PerImage(done, images), result, images);
        total.Dispose(); result.Dispose(); done.Dispose();
        using (adversarial)
            return ScaleSearch.Shrink(model, images, adversarial, labels, o.BisectionSteps, context.Cancel);
    }
}
