using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Models;
using RobustLab.Training.Runtime;
using RobustLab.Training.Loop;
using static TorchSharp.torch;

namespace RobustLab.Tests.Checkpoints;

/// <summary>Models, run records and paths shared by the checkpoint tests.</summary>
internal static class CheckpointFixtures
{
    /// <summary>LeNet for Fashion-MNIST-sized inputs with a normalisation far from identity.</summary>
    public static ModelSpec LeNetSpec { get; } =
        new("lenet", new ImageShape(1, 28, 28), 10, new Normalization([0.2860406f], [0.3530242f]));

    public static ModelSpec AlexNetSpec { get; } =
        new("alexnet", new ImageShape(3, 32, 32), 100, new Normalization([0.5071f, 0.4865f, 0.4409f], [0.2673f, 0.2564f, 0.2762f]));

    /// <summary>ResNet-20 for Fashion-MNIST-sized inputs (no padding: its global pool takes 28x28).</summary>
    public static ModelSpec ResNet20Spec { get; } =
        new("resnet20", new ImageShape(1, 28, 28), 10, new Normalization([0.2860406f], [0.3530242f]));

    /// <summary>VGG-11-BN for Fashion-MNIST-sized inputs, which it pads to 32x32.</summary>
    public static ModelSpec Vgg11BnSpec { get; } =
        new("vgg11bn", new ImageShape(1, 28, 28), 10, new Normalization([0.2860406f], [0.3530242f]));

    public static ModelSpec SpecOf(string architecture) => architecture switch
    {
        "lenet" => LeNetSpec,
        "alexnet" => AlexNetSpec,
        "resnet20" => ResNet20Spec,
        "vgg11bn" => Vgg11BnSpec,
        _ => throw new ArgumentException($"no checkpoint spec for {architecture}"),
    };

    /// <summary>
    /// A freshly initialised network with seeded random weights. Batch-normalised networks see a few batches in
    /// training mode first, so that their running statistics (part of the checkpoint) are not the initial 0 and 1.
    /// </summary>
    public static SplitNetwork Model(ModelSpec spec, int seed)
    {
        TorchRuntime.EnsureLoaded();
        SplitNetwork model;
        lock (GlobalRandom.Sync) // libtorch's default generator is process-wide: no other thread draws in between
        {
            manual_seed(seed);
            model = ModelFactory.Create(spec);
            if (model.modules().Any(m => m is TorchSharp.Modules.BatchNorm2d))
                using (no_grad())
                    for (int i = 0; i < 3; i++)
                    {
                        using var scope = NewDisposeScope();
                        model.call(rand(32, spec.Input.Channels, spec.Input.Height, spec.Input.Width));
                    }
        }
        model.eval();
        return model;
    }

    /// <summary>Random pixels in [0, 1] for <paramref name="count"/> images of the spec's shape.</summary>
    public static Tensor Images(ModelSpec spec, int count, int seed)
    {
        lock (GlobalRandom.Sync)
        {
            manual_seed(seed);
            return rand(count, spec.Input.Channels, spec.Input.Height, spec.Input.Width);
        }
    }

    public static Tensor Logits(SplitNetwork model, Tensor images)
    {
        using var _ = no_grad();
        return model.call(images);
    }

    /// <summary>torch.equal: same shape and dtype and bit-for-bit equal values (TorchSharp's equal is elementwise).</summary>
    public static bool Identical(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var same = eq(a, b).all();
        return same.item<bool>();
    }

    public static RunRecord Record(ModelSpec spec)
    {
        var config = new TrainingOptions
        {
            Dataset = spec.Architecture == "lenet" ? "fashion-mnist" : "cifar100",
            Model = spec.Architecture,
            Method = TrainingMethod.Regularizer,
            Sigma = 0.1,
            Alpha = 0.25,
            Copies = 3,
            Epochs = 2,
            TrainSubset = 500,
            Seed = 42,
        };
        return new RunRecord
        {
            Config = config,
            Protocol = config.Resolve(),
            Model = spec,
            Epochs =
            [
                new EpochReport(1, 2, 2.3, 0.11, 2.2, 0.125, 1e-4, 1.5, 333.3, true),
                // A diverged epoch: NaN losses must survive run.json.
                new EpochReport(2, 2, double.NaN, 0.1, double.NaN, 0.1, 9e-5, 1.25, 400, false),
            ],
            Metrics = new EvaluationResult(0.8125, 100, 0.5, 0.55,
                [new GnrPoint(0, 1), new GnrPoint(0.1, 0.75), new GnrPoint(0.2, 0.5)],
                0.79, 0.0123, 0.1, 10, 64, 42),
            StopReason = "epochs",
            BestEpoch = 1,
            SecondsPerEpoch = 1.375,
            TrainImages = 450,
            ValidationImages = 50,
            Threads = 4,
            StartedAt = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(1)),
            FinishedAt = new DateTimeOffset(2025, 1, 2, 3, 5, 0, TimeSpan.FromHours(1)),
        };
    }

    /// <summary>The repository root (the folder holding RobustLab.sln), found from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RobustLab.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No RobustLab.sln above {AppContext.BaseDirectory}.");
    }
}
