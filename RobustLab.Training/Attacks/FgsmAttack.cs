using static TorchSharp.torch;

namespace RobustLab.Training.Attacks;

/// <summary>
/// FGSM (Goodfellow et al. 2015) as a minimal-perturbation attack: one step along sign(grad of the loss), the
/// smallest epsilon that flips the prediction by a fine increasing search (x1.05 from 1e-4) then bisection.
/// </summary>
public sealed class FgsmAttack : IAttack
{
    public string Name => AttackCatalog.Fgsm;

    public Tensor Run(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, AttackContext context)
    {
        var (logits, gradient) = InputGradient.Of(model, images, (z, _) => InputGradient.CrossEntropy(z, labels));
        logits.Dispose();
        using var direction = gradient.sign();
        gradient.Dispose();
        using var _ = no_grad();
        return ScaleSearch.Smallest(images, epsilons =>
        {
            var candidate = (images + InputGradient.PerImage(epsilons, images) * direction).clamp(0, 1);
            return (candidate, AttackSuite.Fooled(model, candidate, labels));
        }, first: 1e-4, last: 1, growth: 1.05, context.Options.BisectionSteps, context.Cancel);
    }
}
