using System.Diagnostics;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Training.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Corruptions;

/// <summary>Progress of the suite: (corruption, severity) pairs finished out of all of them.</summary>
public sealed record CorruptionProgress(string Corruption, int Severity, int Done, int Total);

/// <summary>
/// Corrupts a test set with every chosen corruption at every chosen severity and measures accuracy and calibration
/// (the robustness report card's corruption half). Each (corruption, severity) has its own seed derived from the
/// options' seed, so a result does not depend on which other corruptions ran.
/// </summary>
public static class CorruptionSuite
{
    public static CorruptionReport Run(nn.Module<Tensor, Tensor> model, ImageSet test, CorruptionOptions options, Device device,
        Action<CorruptionProgress>? progress = null, CancellationToken ct = default)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors));
        model.eval();
        var clock = Stopwatch.StartNew();
        var s = test.Shape;
        using var x = tensor(test.Pixels, [test.Count, s.Channels, s.Height, s.Width], device: device);
        using var y = tensor(test.Labels.Select(l => (long)l).ToArray(), device: device);
        var clean = Score(model, x, y, options.BatchSize);

        var results = new List<CorruptionResult>();
        int total = options.Corruptions.Count * options.Severities.Count, done = 0;
        foreach (string name in options.Corruptions)
        {
            var corruption = CorruptionCatalog.Create(name);
            var started = clock.Elapsed;
            var rows = new List<SeverityResult>();
            foreach (int severity in options.Severities)
            {
                ct.ThrowIfCancellationRequested();
                using var corrupted = corruption.Apply(x, severity, SeedFor(options.Seed, name, severity));
                var (accuracy, calibration) = Score(model, corrupted, y, options.BatchSize);
                rows.Add(new SeverityResult(severity, accuracy, calibration.Ece, calibration.Nll,
                    corruption.Family == CorruptionFamily.Noise ? calibration.Bins : []));
                progress?.Invoke(new CorruptionProgress(name, severity, ++done, total));
            }
            results.Add(new CorruptionResult(name, corruption.Family, rows, rows.Average(r => r.Accuracy), (clock.Elapsed - started).TotalSeconds));
        }
        double mean = results.SelectMany(r => r.Severities).Average(r => r.Accuracy);
        return new CorruptionReport(test.Count, options.Seed, options.Severities, clean.Accuracy, clean.Calibration, results, mean,
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Measures a saved run folder on its own data set: <paramref name="testSubset"/> test images (all when null) drawn
    /// with the options' seed, as the evaluation draws them.
    /// </summary>
    public static CorruptionReport EvaluateCheckpoint(string checkpointDir, DatasetCatalog catalog, int? testSubset, CorruptionOptions options,
        string device, Action<CorruptionProgress>? progress, CancellationToken ct)
    {
        var torchDevice = TorchRuntime.ResolveDevice(device);
        TorchRuntime.ConfigureThreads();
        var record = RunFolder.ReadRunJson(checkpointDir);
        using var model = RunFolder.LoadModel(checkpointDir);
        model.to(torchDevice);
        var data = catalog.Load(record.Config.Dataset);
        if (data.Test.Shape != model.Spec.Input || data.Test.Classes != model.Spec.Classes)
            throw new ArgumentException($"checkpoint: {checkpointDir} expects {model.Spec.Input} images in {model.Spec.Classes} classes, " +
                                        $"but {data.Test.Name} has {data.Test.Shape} in {data.Test.Classes}.");
        var test = SeededSplit.Subset(data.Test, testSubset, options.Seed);
        return Run(model, test, options, torchDevice, progress, ct);
    }

    /// <summary>The seed of one (corruption, severity): stable across processes (no string.GetHashCode).</summary>
    public static ulong SeedFor(int seed, string corruption, int severity) =>
        unchecked((ulong)seed * 1_000_003UL + (ulong)corruption.Aggregate(17L, (h, c) => (h * 31 + c) % 1_000_000_007L) * 7UL + (ulong)severity);

    /// <summary>Accuracy and calibration of the model on x, in batches under no_grad.</summary>
    static (double Accuracy, CalibrationMetrics Calibration) Score(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y, int batchSize)
    {
        using var _ = no_grad();
        long n = x.shape[0];
        var confidence = new List<double>((int)n);
        var correct = new List<bool>((int)n);
        var logProbability = new List<double>((int)n);
        for (long start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(batchSize, n - start);
            var labels = y.narrow(0, start, count);
            var logp = nn.functional.log_softmax(model.call(x.narrow(0, start, count)), 1);
            var (top, predicted) = logp.max(1);
            var truth = logp.gather(1, labels.unsqueeze(1)).squeeze(1);
            confidence.AddRange(top.exp().cpu().data<float>().ToArray().Select(v => (double)v));
            correct.AddRange(predicted.eq(labels).cpu().data<bool>().ToArray());
            logProbability.AddRange(truth.cpu().data<float>().ToArray().Select(v => (double)v));
        }
        double accuracy = n == 0 ? double.NaN : correct.Count(c => c) / (double)n;
        return (accuracy, CalibrationMetrics.Of(confidence, correct, logProbability));
    }
}
