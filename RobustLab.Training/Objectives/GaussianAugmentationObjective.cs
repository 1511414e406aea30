using RobustLab.Training.Models;
using static TorchSharp.torch;

namespace RobustLab.Training.Objectives;

/// <summary>
/// Gaussian augmentation as Cohen et al. (2019) train their base classifiers (docs/method.md, section "Gaussian
/// augmentation"): every image of a batch is replaced by one fresh noisy copy x + N(0, sigma^2), so a step costs what
/// the baseline's does. Unlike <see cref="AugmentationObjective"/> the epoch does not grow and no clean image is seen.
/// </summary>
public sealed class GaussianAugmentationObjective(double sigma, Generator generator) : ITrainingObjective
{
    public int SamplesPerImage => 1;

    public ObjectiveOutput Compute(SplitNetwork network, TrainingBatch batch)
    {
        using var noisy = PixelNoise.Add(batch.Pixels, sigma, generator);
        var logits = network.call(noisy);
        return new(nn.functional.cross_entropy(logits, batch.Labels), logits);
    }
}
