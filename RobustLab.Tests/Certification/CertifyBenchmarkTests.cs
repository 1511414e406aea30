using RobustLab.Training.Benchmarks;
using static TorchSharp.torch;

namespace RobustLab.Tests.Certification;

/// <summary>The bench's throughput figures come from real work (not a timed test: the machine's speed is not asserted).</summary>
public sealed class CertifyBenchmarkTests
{
    [Fact]
    public void Benchmark_reports_inference_and_certification_throughput_of_the_same_batches()
    {
        var timing = new CertifyBenchmark(batchSize: 20, batchesPerRound: 1, rounds: 1).Measure(CPU);

        Assert.True(timing.InferenceImagesPerSecond > 0 && double.IsFinite(timing.InferenceImagesPerSecond));
        Assert.True(timing.CertifyImagesPerSecond > 0 && double.IsFinite(timing.CertifyImagesPerSecond));
        Assert.Equal(timing.CertifyImagesPerSecond / timing.InferenceImagesPerSecond, timing.Ratio, 12);
        Assert.Equal(20, timing.BatchSize);
    }
}
