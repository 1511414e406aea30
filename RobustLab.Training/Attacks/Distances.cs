using static TorchSharp.torch;

namespace RobustLab.Training.Attacks;

/// <summary>Per-image size of a perturbation: L2 norm, L-infinity norm and mean squared distance (Foolbox's MSE, range 1).</summary>
public sealed record Distances(Tensor L2, Tensor Linf, Tensor Mse)
{
    public static Distances Of(Tensor original, Tensor perturbed)
    {
        var delta = (perturbed - original).flatten(1);
        return new Distances(delta.square().sum(1).sqrt(), delta.abs().amax(1), delta.square().mean([1]));
    }
}
