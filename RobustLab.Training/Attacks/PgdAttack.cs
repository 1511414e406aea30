using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Training.Attacks;

/// <summary>
/// PGD in L-infinity (Madry et al. 2018) as a minimal-perturbation attack: for a given epsilon, k signed-gradient
/// steps of epsilon * relative step from a uniform random start in the epsilon-ball, projected back onto the ball and
/// [0, 1] after each step; the first adversarial iterate counts. Epsilon is found by doubling from 1/1024 and
/// bisection, as Foolbox's binary search over epsilon does.
/// </summary>
public sealed class PgdAttack : IAttack
{
    public string Name => AttackCatalog.Pgd;

    public Tensor Run(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, AttackContext context)
    {
        var o = context.Options;
        return ScaleSearch.Smallest(images, epsilons => Attack(model, images, labels, epsilons, o.PgdSteps, o.PgdRelativeStep, context),
            first: 1.0 / 1024, last: 1, growth: 2, o.BisectionSteps, context.Cancel);
    }

    /// <summary>One PGD attack at a per-image epsilon: the first adversarial iterate, or the last iterate if none.</summary>
    static (Tensor Images, Tensor Adversarial) Attack(nn.Module<Tensor, Tensor> model, Tensor x, Tensor labels, Tensor epsilons,
        int steps, double relativeStep, AttackContext context)
    {
        var eps = InputGradient.PerImage(epsilons, x);
        using var lower = (x - eps).clamp(0, 1);
        using var upper = (x + eps).clamp(0, 1);
        using var step = eps * relativeStep;
        var start = (SeededNoise.Uniform(x.shape, context.Generator, x.device) * 2 - 1) * eps;
        var current = (x + start).clamp(0, 1);
        start.Dispose();
        var result = current.clone();
        var done = zeros(x.shape[0], ScalarType.Bool, x.device);
        for (int k = 0; k <= steps; k++)
        {
            context.Cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var (logits, gradient) = InputGradient.Of(model, current, (z, _) => InputGradient.CrossEntropy(z, labels));
            var adversarial = logits.argmax(1).ne(labels).logical_and(done.logical_not());
            InputGradient.Replace(ref result, where(InputGradient.PerImage(adversarial, x), current, result));
            InputGradient.Replace(ref done, done.logical_or(adversarial));
            if (k == steps || done.all().item<bool>()) break;
            var next = minimum(maximum(current + step * gradient.sign(), lower), upper);
            InputGradient.Replace(ref current, next);
        }
        // Images never fooled return their last iterate, marked not adversarial.
        var final = where(InputGradient.PerImage(done, x), result, current);
        result.Dispose(); current.Dispose();
        return (final, done);
    }
}
