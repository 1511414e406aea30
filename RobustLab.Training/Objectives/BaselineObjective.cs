using RobustLab.Training.Models;
using static TorchSharp.torch;

namespace RobustLab.Training.Objectives;

/// <summary>Plain cross-entropy on clean images (alpha = 0, no augmentation).</summary>
public sealed class BaselineObjective : ITrainingObjective
{
    public int SamplesPerImage => 1;

    public ObjectiveOutput Compute(SplitNetwork network, TrainingBatch batch)
    {
        var logits = network.call(batch.Pixels);
        return new(nn.functional.cross_entropy(logits, batch.Labels), logits);
    }
}
