using System.Diagnostics;
using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Benchmarks;

/// <summary>Time of one training step and the clean images it covers.</summary>
/// <param name="CleanImagesPerStep">Distinct clean images a step trains on (batch / (N~ + 1) for augmentation).</param>
public sealed record StepTiming(double SecondsPerStep, double CleanImagesPerSecond, double CleanImagesPerStep, int Steps)
{
    public double SecondsPerCleanImage => SecondsPerStep / CleanImagesPerStep;
}

/// <summary>
/// Cost of one training step (forward, backward, Adam step) of LeNet on 1x28x28 inputs for the three methods, in one
/// process on random data: the baseline, the moment regulariser (sigma 0.5, alpha 1) and noisy augmentation with
/// N~ = 21, where a batch of 128 samples holds 128/22 clean images (21 of every 22 rows are noisy copies).
/// </summary>
public sealed class StepBenchmark(int steps = 20, int warmupSteps = 3, int batchSize = 128, int seed = 0)
{
    public const int AugmentationCopies = 21;
    public const double Sigma = 0.5;
    public const double Alpha = 1.0;

    static readonly ImageShape Input = new(1, 28, 28);

    public StepTiming Baseline(Device device) => Measure(device, _ => new BaselineObjective(), noisy: false);

    public StepTiming Regularizer(Device device) =>
        Measure(device, network => new MomentRegularizerObjective(network, Sigma, Alpha, device), noisy: false);

    public StepTiming Augmentation(Device device)
    {
        using var generator = new Generator((ulong)seed, device);
        return Measure(device, _ => new AugmentationObjective(Sigma, AugmentationCopies, generator), noisy: true);
    }

    StepTiming Measure(Device device, Func<SplitNetwork, ITrainingObjective> objectiveFor, bool noisy)
    {
        torch.manual_seed(seed);
        using var network = ModelFactory.Create(new ModelSpec("lenet", Input, 10, Normalization.Identity(1)));
        network.to(device);
        network.train();
        var objective = objectiveFor(network);
        using var optimizer = optim.Adam(network.parameters(), 1e-4);

        using var pixels = rand(batchSize, Input.Channels, Input.Height, Input.Width, device: device);
        using var labels = randint(0, 10, [batchSize], dtype: ScalarType.Int64, device: device);
        // Row i is the clean image when i % (N~+1) == 0, else one of its N~ noisy copies.
        using var noisyRows = noisy ? (arange(batchSize, device: device) % (AugmentationCopies + 1)).ne(0) : null;
        var batch = new TrainingBatch(pixels, labels, noisyRows);

        for (int i = 0; i < warmupSteps; i++) Step(network, objective, optimizer, batch);
        Synchronize(device);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) Step(network, objective, optimizer, batch);
        Synchronize(device);
        double secondsPerStep = clock.Elapsed.TotalSeconds / steps;

        double clean = noisy ? (double)batchSize / (AugmentationCopies + 1) : batchSize;
        return new StepTiming(secondsPerStep, clean / secondsPerStep, clean, steps);
    }

    static void Step(SplitNetwork network, ITrainingObjective objective, optim.Optimizer optimizer, TrainingBatch batch)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var output = objective.Compute(network, batch);
        output.Loss.backward();
        optimizer.step();
    }

    static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }
}
