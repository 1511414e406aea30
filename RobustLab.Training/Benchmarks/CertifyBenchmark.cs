using System.Diagnostics;
using RobustLab.Training.Certification;
using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Benchmarks;

/// <summary>Plain batched inference against certification, in images (noisy samples) classified per second.</summary>
public sealed record CertifyTiming(double InferenceImagesPerSecond, double CertifyImagesPerSecond, int BatchSize, int Rounds)
{
    /// <summary>Certification throughput as a share of plain inference (target: at least 0.9).</summary>
    public double Ratio => CertifyImagesPerSecond / InferenceImagesPerSecond;
}

/// <summary>
/// What sampling costs during certification: LeNet (1x28x28, 10 classes) classifies a fixed batch under no_grad (plain
/// inference), and <see cref="SmoothedClassifier.SampleCounts"/> classifies as many noisy copies of one image the way
/// CERTIFY does (noise draw, add, forward, argmax, counts). The two are timed in interleaved rounds in one process and
/// each reports its median round, so load on the machine falls on both alike.
/// </summary>
public sealed class CertifyBenchmark(int batchSize = 1000, int batchesPerRound = 5, int rounds = 5, int seed = 0)
{
    static readonly ImageShape Input = new(1, 28, 28);

    public CertifyTiming Measure(Device device, CancellationToken ct = default)
    {
        SplitNetwork network;
        Tensor batch;
        lock (GlobalRandom.Sync) // the seed, the initial weights and the random batch in one block
        {
            torch.manual_seed(seed);
            network = ModelFactory.Create(new ModelSpec("lenet", Input, 10, Normalization.Identity(1)));
            batch = rand(batchSize, Input.Channels, Input.Height, Input.Width);
        }
        using var _network = network;
        network.to(device);
        using var x = batch.to(device);
        batch.Dispose();
        var classify = Certifier.ArgmaxOf(network);
        using var image = x[0];
        using var smoothed = new SmoothedClassifier(classify, 10, 0.25, batchSize, device);
        using var generator = SeededNoise.Generator((ulong)seed);

        double Inference(int batches)
        {
            using var _ = no_grad();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < batches; i++)
            {
                ct.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var predicted = classify(x).cpu(); // the certifier too reads its counts back
            }
            Synchronize(device);
            return batches * (double)batchSize / clock.Elapsed.TotalSeconds;
        }

        double Certify(int batches)
        {
            var clock = Stopwatch.StartNew();
            smoothed.SampleCounts(image, (long)batches * batchSize, generator, ct);
            Synchronize(device);
            return batches * (double)batchSize / clock.Elapsed.TotalSeconds;
        }

        Inference(1); Certify(1); // warm-up
        var inference = new List<double>();
        var certify = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            inference.Add(Inference(batchesPerRound));
            certify.Add(Certify(batchesPerRound));
        }
        return new CertifyTiming(Median(inference), Median(certify), batchSize, rounds);
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }
}
