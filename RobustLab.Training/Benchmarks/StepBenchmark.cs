using System.Diagnostics;
using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Objectives;
using RobustLab.Training.Runtime;
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
/// The methods are timed in interleaved rounds and each reports its median round, so warm-up, frequency scaling
/// and other load on the machine fall on all three alike rather than on whichever ran first.
/// </summary>
public sealed class StepBenchmark(int steps = 20, int warmupSteps = 3, int batchSize = 128, int seed = 0, int rounds = 5)
{
    public const int AugmentationCopies = 21;
    public const double Sigma = 0.5;
    public const double Alpha = 1.0;

    static readonly ImageShape Input = new(1, 28, 28);

    /// <summary>
    /// Baseline and regulariser timings of another model on 1x28x28 inputs (ResNet-20: its batch-normalised first block,
    /// no fused kernels), measured together in the same interleaved rounds. Also with Adam, so that only the method differs.
    /// </summary>
    public (StepTiming Baseline, StepTiming Regularizer) MeasureModel(string model, Device device)
    {
        using var baseline = new Runner(device, _ => new BaselineObjective(), noisy: false, batchSize, seed, model);
        using var regularizer = new Runner(device, network => new MomentRegularizerObjective(network, Sigma, Alpha, device), noisy: false, batchSize, seed, model);
        var seconds = Interleaved([baseline, regularizer]);
        return (Timing(seconds[0], false), Timing(seconds[1], false));
    }

    /// <summary>Baseline, regulariser and augmentation (N~ = 21) timings, measured together.</summary>
    public (StepTiming Baseline, StepTiming Regularizer, StepTiming Augmentation) MeasureAll(Device device)
    {
        using var generator = SeededNoise.Generator((ulong)seed);
        using var baseline = new Runner(device, _ => new BaselineObjective(), noisy: false, batchSize, seed);
        using var regularizer = new Runner(device, network => new MomentRegularizerObjective(network, Sigma, Alpha, device), noisy: false, batchSize, seed);
        using var augmentation = new Runner(device, _ => new AugmentationObjective(Sigma, AugmentationCopies, generator), noisy: true, batchSize, seed);
        var seconds = Interleaved([baseline, regularizer, augmentation]);
        return (Timing(seconds[0], false), Timing(seconds[1], false), Timing(seconds[2], true));
    }

    /// <summary>
    /// Baseline, Gaussian augmentation, stability and consistency (m = 2) timings at sigma 0.5, measured together in
    /// interleaved rounds. Each step trains on the batch's clean images once, so the ratios are costs per clean image.
    /// </summary>
    public (StepTiming Baseline, StepTiming Gaussian, StepTiming Stability, StepTiming Consistency) MeasureNoiseMethods(Device device)
    {
        using var generator = SeededNoise.Generator((ulong)seed);
        using var baseline = new Runner(device, _ => new BaselineObjective(), noisy: false, batchSize, seed);
        using var gaussian = new Runner(device, _ => new GaussianAugmentationObjective(Sigma, generator), noisy: false, batchSize, seed);
        using var stability = new Runner(device, _ => new StabilityObjective(Sigma, Lambda, generator), noisy: false, batchSize, seed);
        using var consistency = new Runner(device, _ => new ConsistencyObjective(Sigma, ConsistencyCopies, 10, 0.5, generator), noisy: false, batchSize, seed);
        var seconds = Interleaved([baseline, gaussian, stability, consistency]);
        return (Timing(seconds[0], false), Timing(seconds[1], false), Timing(seconds[2], false), Timing(seconds[3], false));
    }

    public const double Lambda = 2;
    public const int ConsistencyCopies = 2;

    /// <summary>Seconds per step of each runner in each round, after the warm-up.</summary>
    List<double>[] Interleaved(Runner[] runners)
    {
        foreach (var runner in runners) runner.Time(warmupSteps);
        var seconds = runners.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < rounds; round++)
            for (int i = 0; i < runners.Length; i++)
                seconds[i].Add(runners[i].Time(steps) / steps);
        return seconds;
    }

    StepTiming Timing(List<double> secondsPerStep, bool noisy)
    {
        var sorted = secondsPerStep.Order().ToArray();
        double median = sorted[sorted.Length / 2];
        double clean = noisy ? (double)batchSize / (AugmentationCopies + 1) : batchSize;
        return new StepTiming(median, clean / median, clean, steps * rounds);
    }

    /// <summary>One method's network, optimiser and fixed batch, kept across rounds.</summary>
    sealed class Runner : IDisposable
    {
        readonly SplitNetwork _network;
        readonly ITrainingObjective _objective;
        readonly optim.Optimizer _optimizer;
        readonly Tensor _pixels, _labels;
        readonly Tensor? _noisyRows;
        readonly Device _device;

        public Runner(Device device, Func<SplitNetwork, ITrainingObjective> objectiveFor, bool noisy, int batchSize, int seed,
            string model = "lenet")
        {
            _device = device;
            lock (GlobalRandom.Sync) // the seed, the initial weights and the random batch in one block
            {
                torch.manual_seed(seed);
                _network = ModelFactory.Create(new ModelSpec(model, Input, 10, Normalization.Identity(1)));
                _network.to(device);
                _network.train();
                _objective = objectiveFor(_network);
                _optimizer = optim.Adam(_network.parameters(), 1e-4);
                _pixels = rand(batchSize, Input.Channels, Input.Height, Input.Width, device: device);
                _labels = randint(0, 10, [batchSize], dtype: ScalarType.Int64, device: device);
            }
            // Row i is the clean image when i % (N~+1) == 0, else one of its N~ noisy copies.
            _noisyRows = noisy ? (arange(batchSize, device: device) % (AugmentationCopies + 1)).ne(0) : null;
        }

        /// <summary>Seconds taken by <paramref name="steps"/> training steps.</summary>
        public double Time(int steps)
        {
            var batch = new TrainingBatch(_pixels, _labels, _noisyRows);
            Synchronize();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                _optimizer.zero_grad();
                var output = _objective.Compute(_network, batch);
                output.Loss.backward();
                _optimizer.step();
            }
            Synchronize();
            return clock.Elapsed.TotalSeconds;
        }

        void Synchronize()
        {
            if (_device.type == DeviceType.CUDA) cuda.synchronize(_device);
        }

        public void Dispose()
        {
            _optimizer.Dispose(); _network.Dispose(); _pixels.Dispose(); _labels.Dispose(); _noisyRows?.Dispose();
        }
    }
}
