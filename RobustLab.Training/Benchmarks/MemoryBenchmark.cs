using RobustLab.Training.Data;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Training.Runtime;

namespace RobustLab.Training.Benchmarks;

/// <summary>Resident memory of the process after epochs 2 and 10 of a short run; flat numbers mean no tensor leak per epoch.</summary>
public sealed record MemoryProfile(double RssMiBAfterEpoch2, double RssMiBAfterEpoch10, string Dataset, int TrainImages);

/// <summary>
/// Trains LeNet with the moment regulariser (sigma 0.5, alpha 1) for 10 epochs on 2000 Fashion-MNIST images through the
/// real <see cref="RunPipeline"/>, in a temporary run folder, and samples the working set after epochs 2 and 10.
/// </summary>
public static class MemoryBenchmark
{
    public const string Dataset = "fashion-mnist";
    public const int TrainImages = 2000;
    public const int Epochs = 10;

    /// <summary>Null when Fashion-MNIST is not on this machine.</summary>
    public static MemoryProfile? Measure(DatasetCatalog catalog, string device, CancellationToken ct)
    {
        if (!catalog.Describe(Dataset).Found) return null;
        var options = new TrainingOptions
        {
            Dataset = Dataset, Model = "lenet", Method = TrainingMethod.Regularizer, Sigma = 0.5, Alpha = 1,
            Epochs = Epochs, TrainSubset = TrainImages, TestSubset = 200, BatchSize = 100, LearningRate = 1e-3,
            EarlyStopPatience = Epochs + 1, Device = device,
        };
        var evaluation = new EvaluationOptions { GnrSteps = 5, MomentGapImages = 32, MomentGapSamples = 8 };
        var rss = new Dictionary<int, double>();
        string runDir = Path.Combine(Path.GetTempPath(), "robustlab-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            RunPipeline.Execute(options, catalog, runDir,
                new RunCallbacks(OnEpoch: report => { if (report.Epoch is 2 or Epochs) rss[report.Epoch] = ProcessMemory.ResidentMiBAfterRelease(); }),
                ct, evaluation);
        }
        finally
        {
            if (Directory.Exists(runDir)) Directory.Delete(runDir, recursive: true);
        }
        return new MemoryProfile(rss.GetValueOrDefault(2, double.NaN), rss.GetValueOrDefault(Epochs, double.NaN), Dataset, TrainImages);
    }
}
