using System.Diagnostics;
using RobustLab.Training.Attacks;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Models;
using RobustLab.Training.Runtime;
using TorchSharp;

namespace RobustLab.Training.Loop;

/// <summary>
/// One run from configuration to run folder: validate, load data, train (resuming from runDir/state if an earlier
/// attempt stopped), evaluate, write model.dat, model.safetensors and run.json. The CLI and the job engine both call this.
/// </summary>
public static class RunPipeline
{
    public const string StateFolder = "state";

    public static RunRecord Execute(TrainingOptions options, DatasetCatalog catalog, string runDir, RunCallbacks callbacks,
        CancellationToken ct, EvaluationOptions? evaluation = null)
    {
        var clock = Stopwatch.StartNew();
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors));
        var device = TorchRuntime.ResolveDevice(options.Device);
        int threads = TorchRuntime.ConfigureThreads();
        var started = DateTimeOffset.UtcNow;

        var data = catalog.Load(options.Dataset);
        if (ModelFactory.InputProblem(options.Model, data.Train.Shape) is { } misfit) throw new ArgumentException($"model: {misfit}");
        callbacks.OnStage?.Invoke(RunStage.Training);
        var trainer = new Trainer(options, data.Train, device);
        var record = new RunRecord
        {
            Config = options, Protocol = options.Resolve(),
            Model = trainer.Spec,
            StartedAt = started, Threads = threads,
        };
        var progress = callbacks with
        {
            OnEpoch = report =>
            {
                record = record with { Epochs = [.. record.Epochs, report] };
                RunFolder.WriteRunJson(runDir, record);
                callbacks.OnEpoch?.Invoke(report);
            },
        };
        var outcome = trainer.Run(Path.Combine(runDir, StateFolder), progress, ct);
        using var model = outcome.Model;
        // This attempt's training (with loading the data) plus the epochs an earlier attempt finished.
        var timings = StageTimings.WithStage(null, RunStage.Training, clock.Elapsed.TotalSeconds +
            outcome.Epochs.Where(e => e.Epoch <= outcome.ResumedAfterEpoch).Sum(e => e.Seconds));
        clock.Restart();

        callbacks.OnStage?.Invoke(RunStage.Evaluating);
        evaluation ??= new EvaluationOptions { Seed = options.Seed };
        double momentSigma = evaluation.MomentSigma ?? (options.Sigma > 0 ? options.Sigma : EvaluationOptions.BaselineMomentSigma);
        var test = TestSubset(data.Test, options.TestSubset, options.Seed);
        var metrics = Evaluator.Evaluate(model, test, momentSigma, evaluation, device, ct);
        metrics = metrics with { Timings = timings.WithStage(RunStage.Evaluating, clock.Elapsed.TotalSeconds) };

        record = record with
        {
            Model = model.Spec, Epochs = outcome.Epochs, Metrics = metrics, StopReason = outcome.StopReason,
            BestEpoch = outcome.BestEpoch, TrainImages = outcome.TrainImages, ValidationImages = outcome.ValidationImages,
            SecondsPerEpoch = outcome.Epochs.Count == 0 ? 0 : outcome.Epochs.Average(e => e.Seconds),
            FinishedAt = DateTimeOffset.UtcNow,
        };
        RunFolder.Save(runDir, model, record);
        // The run is complete; its resume state is no longer needed.
        Directory.Delete(Path.Combine(runDir, StateFolder), recursive: true);

        // Attacks come after the save: if they fail (memory, a device error), the trained and evaluated run stands and
        // the failure is reported through OnStageFailed; the run can be attacked again later.
        if (options.Attacks.Count > 0)
        {
            callbacks.OnStage?.Invoke(RunStage.Attacking);
            var attackOptions = new AttackOptions { Attacks = options.Attacks, Samples = options.AttackSamples, Seed = evaluation.Seed };
            try
            {
                clock.Restart();
                var report = AttackSuite.Run(model, test, attackOptions, device, callbacks.OnAttack, ct);
                metrics = metrics with { Attacks = report, Timings = metrics.Timings.WithStage(RunStage.Attacking, clock.Elapsed.TotalSeconds) };
                record = record with { Metrics = metrics };
                RunFolder.WriteRunJson(runDir, record);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                callbacks.OnStageFailed?.Invoke(RunStage.Attacking, e.Message.Split('\n')[0].Trim());
            }
        }
        callbacks.OnStage?.Invoke(RunStage.Succeeded);
        return record;
    }

    /// <summary>Evaluates a saved run folder on a data set (its own by default), with the attack suite when asked.</summary>
    public static EvaluationResult EvaluateCheckpoint(string checkpointDir, DatasetCatalog catalog, string? dataset, int? testSubset,
        EvaluationOptions? evaluation, string device, CancellationToken ct, AttackOptions? attacks = null,
        Action<AttackProgress>? attackProgress = null)
    {
        var torchDevice = TorchRuntime.ResolveDevice(device);
        TorchRuntime.ConfigureThreads();
        var record = RunFolder.ReadRunJson(checkpointDir);
        using var model = RunFolder.LoadModel(checkpointDir);
        model.to(torchDevice);
        var data = catalog.Load(dataset ?? record.Config.Dataset);
        if (data.Test.Shape != model.Spec.Input || data.Test.Classes != model.Spec.Classes)
            throw new ArgumentException(
                $"dataset: {data.Test.Name} has {data.Test.Shape} images in {data.Test.Classes} classes, but the checkpoint expects " +
                $"{model.Spec.Input} in {model.Spec.Classes}.");
        evaluation ??= new EvaluationOptions { Seed = record.Config.Seed };
        double momentSigma = evaluation.MomentSigma ?? (record.Config.Sigma > 0 ? record.Config.Sigma : EvaluationOptions.BaselineMomentSigma);
        var test = TestSubset(data.Test, testSubset, evaluation.Seed);
        var metrics = Evaluator.Evaluate(model, test, momentSigma, evaluation, torchDevice, ct);
        if (attacks is null) return metrics;
        return metrics with { Attacks = AttackSuite.Run(model, test, attacks, torchDevice, attackProgress, ct) };
    }

    /// <summary>An attack suite's report on a run and the seconds it took.</summary>
    public sealed record AttackedRun(AttackReport Report, double Seconds);

    /// <summary>
    /// Runs the attack suite on a finished run folder, on the run's own test subset and seed (as if the run had asked
    /// for attacks), and records the report and its seconds in its run.json.
    /// </summary>
    public static AttackedRun AttackCheckpoint(string checkpointDir, DatasetCatalog catalog, AttackOptions attacks, string device,
        Action<AttackProgress>? progress, CancellationToken ct)
    {
        var errors = attacks.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors));
        var torchDevice = TorchRuntime.ResolveDevice(device);
        TorchRuntime.ConfigureThreads();
        var record = RunFolder.ReadRunJson(checkpointDir);
        if (record.Metrics is null)
            throw new ArgumentException($"checkpoint: {checkpointDir} holds no finished evaluation; attack a run that succeeded.");
        using var model = RunFolder.LoadModel(checkpointDir);
        model.to(torchDevice);
        var data = catalog.Load(record.Config.Dataset);
        var test = TestSubset(data.Test, record.Config.TestSubset, record.Config.Seed);
        var clock = Stopwatch.StartNew();
        var report = AttackSuite.Run(model, test, attacks with { Seed = record.Config.Seed }, torchDevice, progress, ct);
        double seconds = clock.Elapsed.TotalSeconds;
        RunFolder.WriteRunJson(checkpointDir, record with
        {
            Metrics = record.Metrics with { Attacks = report, Timings = record.Metrics.Timings.WithStage(RunStage.Attacking, seconds) },
        });
        return new AttackedRun(report, seconds);
    }

    static ImageSet TestSubset(ImageSet test, int? count, int seed) => SeededSplit.Subset(test, count, seed);
}
