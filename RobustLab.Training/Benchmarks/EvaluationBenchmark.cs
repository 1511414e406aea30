using System.Diagnostics;
using RobustLab.Training.Data;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Models;
using RobustLab.Training.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Benchmarks;

/// <param name="ForwardPasses">Images pushed through the network by one full evaluation (clean, GNR, moment metrics).</param>
public sealed record EvaluationTiming(double EvaluationSeconds, int Images, long ForwardPasses, double InferenceImagesPerSecond, int BatchSize)
{
    /// <summary>Forward passes per second during the full evaluation.</summary>
    public double EvaluationImagesPerSecond => ForwardPasses / EvaluationSeconds;

    /// <summary>Evaluation throughput as a share of plain inference at the evaluation's batch size (target: at least 0.85).</summary>
    public double Ratio => EvaluationImagesPerSecond / InferenceImagesPerSecond;
}

/// <summary>
/// A full evaluation (<see cref="Evaluator"/>: accuracy, GNR over its sigma grid, moment accuracy and gap) of LeNet on
/// random 1x28x28 images, against plain batched inference of the same images at the evaluation's batch size in the
/// same process. The evaluation's cost is counted in forward passes: one per image for the clean predictions and the
/// moment accuracy, one per image and GNR sigma, and one per Monte-Carlo sample of the moment gap.
/// </summary>
public sealed class EvaluationBenchmark(int images = 2000, int seed = 0)
{
    static readonly ImageShape Input = new(1, 28, 28);

    public EvaluationTiming Measure(Device device, EvaluationOptions? options = null, CancellationToken ct = default)
    {
        options ??= new EvaluationOptions { Seed = seed };
        var random = new Random(seed);
        var pixels = new float[images * Input.Size];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = random.NextSingle();
        var labels = Enumerable.Range(0, images).Select(i => i % 10).ToArray();
        var test = new ImageSet("random", Input, 10, pixels, labels);

        SplitNetwork network;
        lock (GlobalRandom.Sync)
        {
            torch.manual_seed(seed);
            network = ModelFactory.Create(new ModelSpec("lenet", Input, 10, Normalization.Identity(1)));
        }
        using var _network = network;
        network.to(device);
        network.eval();

        using var x = tensor(pixels, [images, Input.Channels, Input.Height, Input.Width], device: device);
        double Inference()
        {
            var clock = Stopwatch.StartNew();
            using var predicted = Predictions.Of(network, x, options.BatchSize);
            using var cpu = predicted.cpu();
            return images / clock.Elapsed.TotalSeconds;
        }
        Inference(); // warm-up
        double inference = new[] { Inference(), Inference(), Inference() }.Order().ElementAt(1);

        var evaluation = Stopwatch.StartNew();
        var result = Evaluator.Evaluate(network, test, 0.25, options, device, ct);
        double seconds = evaluation.Elapsed.TotalSeconds;
        long passes = (long)images * (2 + options.GnrSteps) + (long)result.MomentGapImages * options.MomentGapSamples;
        return new EvaluationTiming(seconds, images, passes, inference, options.BatchSize);
    }
}
