using static TorchSharp.torch;

namespace RobustLab.Training.Attacks;

/// <summary>
/// The L-BFGS attack of Szegedy et al. (2014), untargeted as Foolbox runs it: towards the runner-up class t, minimise
/// c * ||x' - x||^2 + CE(x', t) over the box [0, 1] with <see cref="BoxLbfgs"/>. A larger c asks for a smaller
/// perturbation, so c is searched per image for the largest value that still yields an adversarial: by factors of 4
/// until both sides are found, then by geometric bisection. The smallest adversarial seen is kept, then pulled back
/// along its own perturbation to the boundary.
/// </summary>
public sealed class LbfgsAttack : IAttack
{
    public string Name => AttackCatalog.Lbfgs;

    const double StartConstant = 1, Factor = 4;

    public Tensor Run(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, AttackContext context)
    {
        var o = context.Options;
        long n = images.shape[0];
        Tensor target;
        using (no_grad())
        using (var clean = model.call(images))
        using (var masked = InputGradient.OtherClasses(clean, labels))
            target = masked.argmax(1);
        using var _t = target;

        var best = images.clone();
        var bestL2 = full(n, double.PositiveInfinity, device: images.device);
        var c = full(n, StartConstant, device: images.device);
        var cOk = zeros(n, device: images.device);                              // largest c that gave an adversarial, 0 = none
        var cFail = full(n, double.PositiveInfinity, device: images.device);    // smallest c that did not
        var start = images.clone();
        int searches = 4 + o.LbfgsConstantSteps;
        for (int search = 0; search < searches; search++)
        {
            context.Cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            // Each solve starts where the previous one (at a nearby c) ended: the minimiser moves little between them.
            var solution = BoxLbfgs.Minimize(z =>
            {
                var (logits, gradient) = InputGradient.Of(model, z, (logits, input) =>
                    (input - images).square().flatten(1).sum(1) * c + InputGradient.CrossEntropy(logits, target));
                using (logits)
                using (no_grad())
                {
                    using var value = (z - images).square().flatten(1).sum(1) * c;
                    using var ce = InputGradient.CrossEntropy(logits, target);
                    return (value + ce, gradient);
                }
            }, start, o.LbfgsIterations, history: 10, context.Cancel);

            using var noGrad = no_grad();
            var fooled = AttackSuite.Fooled(model, solution, labels);
            var l2 = (solution - images).flatten(1).norm(1);
            var better = fooled.logical_and(l2.lt(bestL2));
            InputGradient.Replace(ref best, where(InputGradient.PerImage(better, images), solution, best));
            InputGradient.Replace(ref start, solution);
            InputGradient.Replace(ref bestL2, where(better, l2, bestL2));
            InputGradient.Replace(ref cOk, where(fooled, maximum(cOk, c), cOk));
            InputGradient.Replace(ref cFail, where(fooled, cFail, minimum(cFail, c)));
            var bracketed = cOk.gt(0).logical_and(cFail.isfinite());
            var next = where(bracketed, (cOk * cFail).sqrt(), where(cOk.gt(0), c * Factor, c / Factor));
            InputGradient.Replace(ref c, next);
        }
        bestL2.Dispose(); start.Dispose(); c.Dispose(); cOk.Dispose(); cFail.Dispose();
        using (best)
        using (no_grad())
            return ScaleSearch.Shrink(model, images, best, labels, o.BisectionSteps, context.Cancel);
    }
}
