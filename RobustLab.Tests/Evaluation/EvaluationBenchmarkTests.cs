using RobustLab.Training.Benchmarks;
using RobustLab.Training.Evaluation;
using static TorchSharp.torch;

namespace RobustLab.Tests.Evaluation;

/// <summary>The bench's evaluation figures count the forward passes a full evaluation makes (speed is not asserted).</summary>
public sealed class EvaluationBenchmarkTests
{
    [Fact]
    public void Benchmark_counts_clean_gnr_and_moment_passes_of_one_full_evaluation()
    {
        var options = new EvaluationOptions { GnrSteps = 3, MomentGapImages = 8, MomentGapSamples = 4, BatchSize = 16 };
        var timing = new EvaluationBenchmark(images: 40).Measure(CPU, options);

        Assert.Equal(40, timing.Images);
        Assert.Equal(40L * (2 + 3) + 8 * 4, timing.ForwardPasses);
        Assert.True(timing.EvaluationSeconds > 0 && timing.InferenceImagesPerSecond > 0);
        Assert.Equal(timing.ForwardPasses / timing.EvaluationSeconds, timing.EvaluationImagesPerSecond, 9);
        Assert.Equal(timing.EvaluationImagesPerSecond / timing.InferenceImagesPerSecond, timing.Ratio, 12);
        Assert.Equal(16, timing.BatchSize);
    }
}
