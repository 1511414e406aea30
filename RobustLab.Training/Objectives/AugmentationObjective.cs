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
        using var noisy = PixelNoise.Add(batch.Pixels, sigma, generator, batch.NoisyRows!);
        var logits = network.call(noisy);
        return new(nn.functional.cross_entropy(logits, batch.Labels), logits);
    }
}
