using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Runtime;
using RobustLab.Training.Loop;

namespace RobustLab.Tests.Loop;

[Collection(RobustLab.Tests.Loop.GlobalTorchRngCollection.Name)]
public class RunPipelineTests
{
    public RunPipelineTests() => TorchRuntime.EnsureLoaded();

    static readonly TrainingOptions Options = new()
    {
        Dataset = "fashion-mnist", Model = "lenet", Method = TrainingMethod.Regularizer, Sigma = 0.3, Alpha = 1,
        TrainSubset = 1000, TestSubset = 300, Epochs = 3, BatchSize = 100, LearningRate = 1e-3, Seed = 4,
    };

    static readonly EvaluationOptions FastEvaluation = new() { Seed = 4, GnrSteps = 6, MomentGapImages = 32, MomentGapSamples = 16 };

    [Fact]
    public void Interrupted_run_resumes_after_its_last_finished_epoch_and_matches_an_uninterrupted_one()
    {
        using var folder = new TempFolder();
        var catalog = TrainingTestData.Catalog();
        var straight = RunPipeline.Execute(Options, catalog, folder.Sub("straight"), RunCallbacks.None, CancellationToken.None, FastEvaluation);

        using var cts = new CancellationTokenSource();
        var seen = new List<int>();
        var stopAfterFirst = new RunCallbacks(OnEpoch: e => { seen.Add(e.Epoch); if (e.Epoch == 1) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            RunPipeline.Execute(Options, catalog, folder.Sub("resumed"), stopAfterFirst, cts.Token, FastEvaluation));
        Assert.Equal([1], seen);
        Assert.Equal(1, RunFolder.ReadRunJson(folder.Sub("resumed")).Epochs.Count);

        var resumedEpochs = new List<int>();
        var resumed = RunPipeline.Execute(Options, catalog, folder.Sub("resumed"),
            new RunCallbacks(OnEpoch: e => resumedEpochs.Add(e.Epoch)), CancellationToken.None, FastEvaluation);

        Assert.Equal([2, 3], resumedEpochs);
        Assert.Equal([1, 2, 3], resumed.Epochs.Select(e => e.Epoch));
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(straight.Epochs[i].TrainLoss, resumed.Epochs[i].TrainLoss, 5);
            Assert.Equal(straight.Epochs[i].ValidationLoss, resumed.Epochs[i].ValidationLoss, 5);
        }
        Assert.Equal(straight.Metrics!.TestAccuracy, resumed.Metrics!.TestAccuracy, 3);
        Assert.False(Directory.Exists(Path.Combine(folder.Sub("resumed"), RunPipeline.StateFolder)));
    }

    [Fact]
    public void A_tiny_run_records_its_training_and_evaluation_seconds_which_sum_to_its_wall_time()
    {
        using var folder = new TempFolder();
        var options = Options with { Epochs = 1, Method = TrainingMethod.Baseline, Sigma = 0, Alpha = 0, Attacks = ["fgsm"], AttackSamples = 20 };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var record = RunPipeline.Execute(options, TrainingTestData.Catalog(), folder.Path, RunCallbacks.None, CancellationToken.None, FastEvaluation);
        double wall = clock.Elapsed.TotalSeconds;

        var timings = record.Metrics!.Timings!;
        Assert.Equal([RunStage.Training, RunStage.Evaluating, RunStage.Attacking], timings.Select(t => t.Stage));
        Assert.All(timings, t => Assert.True(t.Seconds > 0, $"{t.Stage}: {t.Seconds} s"));
        // Training counts from the start (validation, loading the data); only the save falls between the stages.
        double sum = timings.Sum(t => t.Seconds);
        Assert.InRange(sum, 0.9 * wall - 0.5, wall);
        Assert.True(timings.SecondsOf(RunStage.Training) >= record.Epochs.Sum(e => e.Seconds));
        // run.json keeps the same numbers.
        Assert.Equal(timings, RunFolder.ReadRunJson(folder.Path).Metrics!.Timings!);
    }

    [Fact]
    public void A_run_whose_loss_diverges_stops_at_that_batch_and_saves_no_weights_or_metrics()
    {
        using var folder = new TempFolder();
        using var data = new TempFolder();
        DivergingRun.WriteData(data.Path);
        var catalog = new DatasetCatalog(new DataLocations(data.Path));
        var batches = new List<BatchProgress>();
        var error = Assert.Throws<TrainingDivergedException>(() => RunPipeline.Execute(DivergingRun.Options, catalog, folder.Path,
            new RunCallbacks(OnBatch: batches.Add), CancellationToken.None, FastEvaluation));

        Assert.Equal(1, error.Epoch);
        Assert.InRange(error.Batch, 2, DivergingRun.Batches); // the first batch's loss comes before any step
        Assert.Equal(error.Batch - 1, batches.Count); // the diverged batch is not reported as done
        Assert.Contains($"at epoch 1, batch {error.Batch} of {DivergingRun.Batches}", error.Message);
        Assert.False(File.Exists(Path.Combine(folder.Path, RunFolder.ModelDatFile)));
        Assert.False(File.Exists(Path.Combine(folder.Path, RunFolder.RunJsonFile)));
    }

    [Fact]
    public void Finished_run_folder_holds_weights_safetensors_and_a_complete_run_json()
    {
        using var folder = new TempFolder();
        var options = Options with { Epochs = 1, Method = TrainingMethod.Baseline, Sigma = 0, Alpha = 0 };
        var record = RunPipeline.Execute(options, TrainingTestData.Catalog(), folder.Path, RunCallbacks.None, CancellationToken.None, FastEvaluation);

        foreach (var file in new[] { RunFolder.ModelDatFile, RunFolder.SafetensorsFile, RunFolder.RunJsonFile })
            Assert.True(File.Exists(Path.Combine(folder.Path, file)), file);
        var read = RunFolder.ReadRunJson(folder.Path);
        Assert.Equal(options, read.Config);
        var m = read.Metrics!;
        Assert.Equal(300, m.TestImages);
        Assert.Equal(6, m.GnrCurve.Count);
        Assert.Equal(1.0, m.GnrCurve[0].Consistency);   // sigma 0 changes nothing
        Assert.InRange(m.Gnr, 0, 1);
        Assert.Equal(EvaluationOptions.BaselineMomentSigma, m.MomentSigma);
        Assert.True(m.MomentGap is > 0 and < 1, $"moment gap {m.MomentGap}");
        Assert.Equal(record.Metrics!.TestAccuracy, m.TestAccuracy);
    }

    [Fact]
    public void Invalid_options_are_refused_naming_each_field()
    {
        var bad = Options with { Sigma = -1, Alpha = double.NaN, Epochs = 0 };
        var e = Assert.Throws<ArgumentException>(() =>
            RunPipeline.Execute(bad, TrainingTestData.Catalog(), "unused", RunCallbacks.None, CancellationToken.None));
        Assert.Contains("sigma", e.Message);
        Assert.Contains("alpha", e.Message);
        Assert.Contains("epochs", e.Message);
    }
}
