namespace RobustLab.Training.Loop;

/// <summary>Optimiser and schedule of the paper's reference code (docs/method.md, section "Training protocol").</summary>
public sealed record Protocol(
    string Optimizer, int Epochs, int BatchSize, double LearningRate, double Momentum, bool Nesterov,
    double WeightDecay, double PlateauFactor, int PlateauPatience, int EarlyStopPatience)
{
    /// <summary>
    /// LeNet: Adam 1e-4, batch 1000, plateau 0.9/3, early stop 10. AlexNet and VGG-11-BN: SGD 0.1 Nesterov, 5e-4,
    /// batch 128, 0.5/5, 20. ResNet-20: He et al.'s SGD 0.1, momentum 0.9, weight decay 1e-4, batch 128, with the
    /// plateau schedule 0.5/5 and early stop 20 in place of their fixed steps.
    /// </summary>
    public static Protocol For(string model) => model.ToLowerInvariant() switch
    {
        "alexnet" or "vgg11bn" => new("sgd", 100, 128, 0.1, 0.9, true, 5e-4, 0.5, 5, 20),
        "resnet20" => new("sgd", 100, 128, 0.1, 0.9, false, 1e-4, 0.5, 5, 20),
        _ => new("adam", 100, 1000, 1e-4, 0, false, 0, 0.9, 3, 10),
    };
}
