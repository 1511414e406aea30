namespace RobustLab.Training.Benchmarks;

/// <summary>What <c>robustlab bench</c> measured; ratios are seconds per clean image relative to the baseline.</summary>
public sealed record BenchmarkReport(
    StepTiming Baseline,
    StepTiming Regularizer,
    StepTiming Augmentation21,
    double RatioRegularizerToBaseline,
    double RatioAugmentation21ToBaseline,
    double? RssMiBAfterEpoch2,
    double? RssMiBAfterEpoch10,
    int Threads,
    string Device,
    int BatchSize,
    string? MemoryNote)
{
    /// <summary>Plain batched LeNet inference under no_grad, images per second (<see cref="CertifyBenchmark"/>).</summary>
    public double? InferenceImagesPerSecond { get; init; }
    /// <summary>Noisy samples classified per second while certifying, in the same process.</summary>
    public double? CertifyImagesPerSecond { get; init; }
    /// <summary>CertifyImagesPerSecond / InferenceImagesPerSecond (target: at least 0.9).</summary>
    public double? CertifyToInferenceRatio { get; init; }
    /// <summary>Forward passes per second during a full evaluation of 2,000 images (<see cref="EvaluationBenchmark"/>).</summary>
    public double? EvaluationImagesPerSecond { get; init; }
    /// <summary>Seconds of that full evaluation (accuracy, GNR over 30 sigmas, moment accuracy and gap).</summary>
    public double? EvaluationSecondsFor2000 { get; init; }
    /// <summary>EvaluationImagesPerSecond / plain inference at the evaluation's batch size (target: at least 0.85).</summary>
    public double? EvaluationToInferenceRatio { get; init; }
    /// <summary>Plain inference (certification bench) over the baseline's clean training images per second (target: at least 2.5).</summary>
    public double? InferenceToBaselineTrainingRatio { get; init; }
    /// <summary>Resident memory of <c>robustlab serve</c> after its first and its tenth short run (target: under 1,536 MiB, growth under 10 %).</summary>
    public ServeMemory? ServeRssMiBAfterRuns { get; init; }

    /// <summary>ResNet-20 (1x28x28, batch 128) baseline step (<see cref="StepBenchmark.MeasureModel"/>).</summary>
    public StepTiming? ResNet20Baseline { get; init; }
    /// <summary>ResNet-20 regulariser step, through its batch-normalised first block.</summary>
    public StepTiming? ResNet20Regularizer { get; init; }
    /// <summary>ResNet20Regularizer / ResNet20Baseline seconds per clean image (target: at most 2.0).</summary>
    public double? RatioResNet20RegularizerToBaseline { get; init; }

    /// <summary>Seconds per clean image relative to the baseline measured beside them (<see cref="StepBenchmark.MeasureNoiseMethods"/>):
    /// Gaussian augmentation (target at most 1.1), stability (2.1) and consistency with m = 2 (3.2).</summary>
    public double? RatioGaussianToBaseline { get; init; }
    public double? RatioStabilityToBaseline { get; init; }
    public double? RatioConsistency2ToBaseline { get; init; }

    public static BenchmarkReport From(StepTiming baseline, StepTiming regularizer, StepTiming augmentation, MemoryProfile? memory,
        int threads, string device, int batchSize) =>
        new(baseline, regularizer, augmentation,
            regularizer.SecondsPerCleanImage / baseline.SecondsPerCleanImage,
            augmentation.SecondsPerCleanImage / baseline.SecondsPerCleanImage,
            memory?.RssMiBAfterEpoch2, memory?.RssMiBAfterEpoch10, threads, device, batchSize,
            memory is null
                ? $"{MemoryBenchmark.Dataset} is not on this machine, so memory was not measured (apt-get install dataset-fashion-mnist)."
                : $"{MemoryBenchmark.Epochs} epochs of the regularizer on {memory.TrainImages} {memory.Dataset} images through RunPipeline.");
}
