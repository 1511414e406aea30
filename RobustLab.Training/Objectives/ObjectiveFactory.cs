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
            TrainingMethod.Regularizer => new MomentRegularizerObjective(network, options.Sigma, options.Alpha, device, options.Variant, noise),
            TrainingMethod.Gaussian => new GaussianAugmentationObjective(options.Sigma, noise),
            TrainingMethod.Stability => new StabilityObjective(options.Sigma, options.LambdaInForce, noise),
            TrainingMethod.Consistency => new ConsistencyObjective(options.Sigma, options.ConsistencyCopies, options.LambdaInForce, options.Eta, noise),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };
}
