using static TorchSharp.torch;

namespace RobustLab.Training.Attacks;

/// <summary>What every attack is given besides the model and the images: its options, a seeded generator, cancellation.</summary>
public sealed record AttackContext(AttackOptions Options, Generator Generator, CancellationToken Cancel);

/// <summary>
/// One untargeted minimal-perturbation attack (Foolbox's shape: model, inputs, labels -> adversarials). The model maps
/// pixels in [0, 1] to logits; every image is classified correctly when the attack starts. The attack returns a new
/// tensor of the images' shape, inside [0, 1]: the smallest adversarial it found for each image, or the image itself
/// where it found none. The suite, not the attack, decides success by classifying what comes back.
/// </summary>
public interface IAttack
{
    string Name { get; }
    Tensor Run(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, AttackContext context);
}
