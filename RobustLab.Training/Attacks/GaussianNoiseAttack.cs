using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Training.Attacks;

/// <summary>
/// Additive Gaussian noise (Foolbox's AdditiveGaussianNoiseAttack): one seeded draw n ~ N(0, I) per image, and the
/// smallest sigma for which clip(x + sigma * n, 0, 1) changes the prediction, by increasing search then bisection.
/// Not a gradient attack: it measures how far random noise of this shape must go, the adversarial view of GNR.
/// </summary>
public sealed class GaussianNoiseAttack : IAttack
{
    public string Name => AttackCatalog.Gaussian;

    public Tensor Run(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, AttackContext context)
    {
        using var _ = no_grad();
        using var noise = SeededNoise.Normal(images.shape, context.Generator, images.device);
        return ScaleSearch.Smallest(images, sigmas =>
        {
            var candidate = (images + InputGradient.PerImage(sigmas, images) * noise).clamp(0, 1);
            return (candidate, AttackSuite.Fooled(model, candidate, labels));
        }, first: 1e-3, last: 4, growth: 1.1, context.Options.BisectionSteps, context.Cancel);
    }
}
