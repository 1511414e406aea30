using RobustLab.Training.Models;
using static TorchSharp.torch;

namespace RobustLab.Training.Objectives;

/// <summary>One training batch: pixels in [0, 1], labels, and which rows are noisy copies (augmentation only).</summary>
public sealed record TrainingBatch(Tensor Pixels, Tensor Labels, Tensor? NoisyRows = null);

/// <summary>
/// The loss a method minimises for one batch, with the logits the training accuracy is counted on: the clean inputs'
/// for the baseline, the regulariser and stability, every row of the batch (clean and noisy copies alike) for augmentation,
/// the noisy rows for Gaussian augmentation and the first noisy copy for consistency.
/// </summary>
public readonly record struct ObjectiveOutput(Tensor Loss, Tensor CleanLogits);

/// <summary>
/// A training objective: baseline, noisy augmentation, Gaussian augmentation, stability, consistency or the moment
/// regulariser (docs/method.md, sections "The regulariser (Eq. 2 and 3)" to "Regulariser variants").
/// </summary>
public interface ITrainingObjective
{
    /// <summary>How many samples an epoch holds per training image (N~ + 1 for augmentation, else 1).</summary>
    int SamplesPerImage { get; }

    ObjectiveOutput Compute(SplitNetwork network, TrainingBatch batch);
}
