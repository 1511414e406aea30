using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Training.Attacks;

/// <summary>
/// Salt-and-pepper noise (Foolbox's SaltAndPepperNoiseAttack): each pixel location (all channels together) gets a
/// seeded uniform rank and a seeded colour, white or black. At probability p the locations ranked below p take their
/// colour; the sets grow with p, so the smallest p that flips the prediction is found by increasing search then
/// bisection.
/// </summary>
public sealed class SaltAndPepperAttack : IAttack
{
    public string Name => AttackCatalog.SaltPepper;

    public Tensor Run(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, AttackContext context)
    {
        using var _ = no_grad();
        long[] locations = [images.shape[0], 1, .. images.shape.Skip(2)];
        using var rank = SeededNoise.Uniform(locations, context.Generator, images.device);
        using var draw = SeededNoise.Uniform(locations, context.Generator, images.device);
        using var colour = draw.lt(0.5).to_type(images.dtype);
        return ScaleSearch.Smallest(images, probabilities =>
        {
            var hit = rank.lt(InputGradient.PerImage(probabilities, images));
            var candidate = where(hit, colour, images);
            return (candidate, AttackSuite.Fooled(model, candidate, labels));
        }, first: 1e-3, last: 1, growth: 1.1, context.Options.BisectionSteps, context.Cancel);
    }
}
