using RobustLab.Training.Models;
using RobustLab.Training.Loop;
using static TorchSharp.torch;

namespace RobustLab.Training.Objectives;

public static class ObjectiveFactory
{
    public static ITrainingObjective Create(TrainingOptions options, SplitNetwork network, Device device, Generator noise) =>
        options.Method switch
        {
            TrainingMethod.Baseline => new BaselineObjective(),
            TrainingMethod.Augmentation => new AugmentationObjective(options.Sigma, options.Copies, noise),
            TrainingMethod.Regularizer => new MomentRegularizerObjective(network, options.Sigma, options.Alpha, device),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };
}
