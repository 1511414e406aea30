using System.Globalization;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using static RobustLab.Tests.Data.TestDataFiles;

namespace RobustLab.Tests.Loop;

/// <summary>
/// A run whose loss really becomes NaN within the limits every run is checked against: AlexNet's SGD with Nesterov
/// momentum at the largest learning rate allowed (<see cref="TrainingLimits.MaxLearningRate"/>) on random CIFAR-10-sized
/// images. LeNet's Adam takes bounded steps and stays finite even there. Seconds on a CPU: 200 images, batches of 20.
/// </summary>
public static class DivergingRun
{
    const int TrainImages = 200, TestImages = 50, BatchSize = 20;

    public static readonly TrainingOptions Options = new()
    {
        Dataset = "cifar10", Model = "alexnet", Method = TrainingMethod.Baseline, Sigma = 0, Alpha = 0,
        TrainSubset = TrainImages, TestSubset = TestImages, Epochs = 2, BatchSize = BatchSize,
        LearningRate = TrainingLimits.MaxLearningRate, Seed = 4,
    };

    /// <summary>Batches in an epoch: 180 images are left after the 10% validation split, in batches of 20.</summary>
    public const int Batches = 9;

    /// <summary>The same run on the command line (without --out and --data-root).</summary>
    public static string[] CliArgs =>
    [
        "train", "--dataset", Options.Dataset, "--model", Options.Model, "--method", "baseline",
        "--train-subset", $"{TrainImages}", "--test-subset", $"{TestImages}", "--epochs", $"{Options.Epochs}",
        "--batch-size", $"{BatchSize}", "--lr", TrainingLimits.MaxLearningRate.ToString(CultureInfo.InvariantCulture),
        "--seed", $"{Options.Seed}", "--json",
    ];

    /// <summary>Writes the official CIFAR-10 binary files, random pixels and labels, under dataRoot.</summary>
    public static void WriteData(string dataRoot)
    {
        string folder = Path.Combine(dataRoot, "cifar-10-batches-bin");
        Directory.CreateDirectory(folder);
        var random = new Random(7);
        byte[] Records(int count) => Enumerable.Range(0, count).SelectMany(_ =>
        {
            var record = CifarRecord([(byte)random.Next(10)], 0, 0, 0);
            random.NextBytes(record.AsSpan(1));
            return record;
        }).ToArray();
        int perFile = TrainImages / CifarBinaryReader.Cifar10TrainFiles.Count;
        foreach (string file in CifarBinaryReader.Cifar10TrainFiles)
            File.WriteAllBytes(Path.Combine(folder, file), Records(perFile));
        File.WriteAllBytes(Path.Combine(folder, CifarBinaryReader.Cifar10TestFile), Records(TestImages));
    }
}
