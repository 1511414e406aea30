using System.Diagnostics;
using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Objectives;
using RobustLab.Training.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobustLab.Training.Loop;

/// <summary>The trained network (best-validation weights loaded) and how training went.</summary>
public sealed record TrainingOutcome(
    SplitNetwork Model, IReadOnlyList<EpochReport> Epochs, int BestEpoch, string StopReason, int ResumedAfterEpoch,
    int TrainImages, int ValidationImages);

/// <summary>
/// Trains one network with one objective under the paper's protocol (docs/method.md, section "Training protocol"): held-out validation,
/// plateau schedule, early stopping, best-validation weights. After every epoch the state needed to resume is
/// written to <c>stateDir</c>; a later call with the same folder continues after the last finished epoch.
/// </summary>
public sealed class Trainer
{
    readonly TrainingOptions options;
    readonly Device device;
    readonly Protocol _protocol;
    readonly ImageSet train, validation;

    public Trainer(TrainingOptions options, ImageSet fullTrainingSet, Device device)
    {
        this.options = options;
        this.device = device;
        _protocol = options.Resolve();
        (train, validation) = SeededSplit.TrainValidation(fullTrainingSet, options.TrainSubset, options.ValidationFraction, options.Seed);
        Spec = new ModelSpec(options.Model.ToLowerInvariant(), train.Shape, train.Classes, Normalization.Of(train));
    }

    /// <summary>The network this trainer builds: normalisation from its training split.</summary>
    public ModelSpec Spec { get; }

    public TrainingOutcome Run(string stateDir, RunCallbacks callbacks, CancellationToken ct)
    {
        Directory.CreateDirectory(stateDir);
        SplitNetwork model;
        lock (GlobalRandom.Sync) // seed and initial weights together: no other thread may draw in between
        {
            torch.manual_seed(options.Seed);
            model = ModelFactory.Create(Spec);
        }
        model.to(device);
        using var noise = SeededNoise.Generator((ulong)options.Seed);
        var objective = ObjectiveFactory.Create(options, model, device, noise);
        using var optimizer = CreateOptimizer(model);

        var resume = ResumeState.TryRead(stateDir);
        if (resume is not null && resume.Options != options)
            throw new InvalidOperationException(
                $"{stateDir} holds the state of a different run ({resume.Options.Method.Name()} on {resume.Options.Dataset}); use another output folder.");
        var schedule = resume?.Schedule ?? PlateauSchedule.Start(_protocol.LearningRate);
        var reports = resume?.Reports.ToList() ?? [];
        int bestEpoch = resume?.BestEpoch ?? 0;
        if (resume is not null && resume.Epoch > 0)
        {
            model.load(ResumeState.ModelFile(stateDir, resume.Epoch));
            optimizer.load_state_dict(ResumeState.OptimizerFile(stateDir, resume.Epoch));
        }

        using var trainX = ToTensor(train, out var trainY);
        using var validX = ToTensor(validation, out var validY);
        using (trainY) using (validY)
        {
            string stop = "epochs";
            for (int epoch = (resume?.Epoch ?? 0) + 1; epoch <= _protocol.Epochs; epoch++)
            {
                SetLearningRate(optimizer, schedule.LearningRate);
                var clock = Stopwatch.StartNew();
                noise.manual_seed(SeededSplit.ForEpoch(options.Seed, epoch));
                var (trainLoss, trainAccuracy, samples) = TrainEpoch(model, objective, optimizer, trainX, trainY, epoch, callbacks, ct);
                var (validLoss, validAccuracy) = validation.Count > 0 ? Evaluate(model, validX, validY) : (trainLoss, trainAccuracy);
                double seconds = clock.Elapsed.TotalSeconds;

                double lr = schedule.LearningRate;
                (schedule, bool improved) = schedule.Step(validLoss, _protocol.PlateauFactor, _protocol.PlateauPatience);
                var report = new EpochReport(epoch, _protocol.Epochs, trainLoss, trainAccuracy, validLoss, validAccuracy,
                    lr, seconds, samples / seconds, improved);
                reports.Add(report);

                model.save(ResumeState.ModelFile(stateDir, epoch));
                optimizer.save_state_dict(ResumeState.OptimizerFile(stateDir, epoch));
                if (improved)
                {
                    bestEpoch = epoch;
                    File.Copy(ResumeState.ModelFile(stateDir, epoch), ResumeState.BestFile(stateDir, epoch), overwrite: true);
                }
                new ResumeState(epoch, schedule, bestEpoch, reports, options).Write(stateDir);
                callbacks.OnEpoch?.Invoke(report);

                if (schedule.ShouldStop(_protocol.EarlyStopPatience) && epoch < _protocol.Epochs) { stop = "early-stop"; break; }
            }
            if (bestEpoch > 0) model.load(ResumeState.BestFile(stateDir, bestEpoch));
            model.eval();
            return new TrainingOutcome(model, reports, bestEpoch, stop, resume?.Epoch ?? 0, train.Count, validation.Count);
        }
    }

    /// <summary>One pass over the (for augmentation N~+1 fold) training set; returns mean loss, accuracy and samples seen.</summary>
    (double Loss, double Accuracy, long Samples) TrainEpoch(SplitNetwork model, ITrainingObjective objective, OptimizerHelper optimizer,
        Tensor x, Tensor y, int epoch, RunCallbacks callbacks, CancellationToken ct)
    {
        model.train();
        int perImage = objective.SamplesPerImage;
        long total = x.shape[0] * perImage;
        var order = SeededSplit.Permutation(checked((int)total), SeededSplit.ForEpoch(options.Seed, epoch)).Select(i => (long)i).ToArray();
        int batchSize = _protocol.BatchSize, batches = (int)((total + batchSize - 1) / batchSize);
        double lossSum = 0; long correct = 0;
        for (int b = 0; b < batches; b++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int start = b * batchSize, count = (int)Math.Min(batchSize, total - start);
            var samples = tensor(order.AsSpan(start, count).ToArray(), device: x.device);
            var images = perImage == 1 ? samples : samples.div(perImage, rounding_mode: RoundingMode.floor);
            var batch = new TrainingBatch(x.index_select(0, images), y.index_select(0, images),
                perImage == 1 ? null : samples.remainder(perImage).ne(0));
            optimizer.zero_grad();
            var output = objective.Compute(model, batch);
            // The loss is read once per batch anyway (for the epoch's mean): checked before the step it would corrupt.
            float loss = output.Loss.item<float>();
            if (!float.IsFinite(loss)) throw new TrainingDivergedException(epoch, b + 1, batches, loss);
            output.Loss.backward();
            optimizer.step();
            lossSum += loss * count;
            correct += output.CleanLogits.argmax(1).eq(batch.Labels).sum().item<long>();
            callbacks.OnBatch?.Invoke(new BatchProgress(epoch, _protocol.Epochs, b + 1, batches));
        }
        return (lossSum / total, (double)correct / total, total);
    }

    /// <summary>Mean clean cross-entropy and accuracy, batched, under no_grad.</summary>
    (double Loss, double Accuracy) Evaluate(SplitNetwork model, Tensor x, Tensor y)
    {
        model.eval();
        using var _ = no_grad();
        long n = x.shape[0];
        double lossSum = 0; long correct = 0;
        for (long start = 0; start < n; start += _protocol.BatchSize)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(_protocol.BatchSize, n - start);
            var logits = model.call(x.narrow(0, start, count));
            var labels = y.narrow(0, start, count);
            lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(labels).sum().item<long>();
        }
        return (lossSum / n, (double)correct / n);
    }

    OptimizerHelper CreateOptimizer(SplitNetwork model) => _protocol.Optimizer switch
    {
        "sgd" => optim.SGD(model.parameters(), _protocol.LearningRate, _protocol.Momentum, nesterov: _protocol.Nesterov,
            weight_decay: _protocol.WeightDecay),
        _ => optim.Adam(model.parameters(), _protocol.LearningRate, 0.9, 0.999, weight_decay: _protocol.WeightDecay),
    };

    static void SetLearningRate(OptimizerHelper optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
    }

    Tensor ToTensor(ImageSet set, out Tensor labels)
    {
        var s = set.Shape;
        labels = tensor(set.Labels.Select(l => (long)l).ToArray(), device: device);
        return tensor(set.Pixels, [set.Count, s.Channels, s.Height, s.Width], device: device);
    }
}
