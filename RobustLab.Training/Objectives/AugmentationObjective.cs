using RobustLab.Training.Runtime;
using RobustLab.Training.Models;
using static TorchSharp.torch;

namespace RobustLab.Training.Objectives;

/// <summary>
/// Noisy data augmentation (Eq. 1 estimated by sampling): an epoch holds every image once clean and N~ times with
/// fresh noise N(0, sigma^2) in pixel units, so the training set grows N~+1 fold. The trainer marks the noisy rows.
/// </summary>
public sealed class AugmentationObjective(double sigma, int copies, Generator generator) : ITrainingObjective
{
    public int SamplesPerImage => copies + 1;

    public ObjectiveOutput Compute(SplitNetwork network, TrainingBatch batch)
    {
        using var noise = SeededNoise.Normal(batch.Pixels.shape, generator, batch.Pixels.device);
        using var mask = batch.NoisyRows!.to_type(ScalarType.Float32).reshape(-1, 1, 1, 1);
        noise.mul_(mask).mul_(sigma);
        using var noisy = batch.Pixels + noise;
        var logits = network.call(noisy);
        return new(nn.functional.cross_entropy(logits, batch.Labels), logits);
    }
}
