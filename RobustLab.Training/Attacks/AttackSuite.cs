using RobustLab.Training.Runtime;
using System.Diagnostics;
using RobustLab.Training.Data;
using static TorchSharp.torch;

namespace RobustLab.Training.Attacks;

/// <summary>Progress of the suite: images finished by one attack.</summary>
public sealed record AttackProgress(string Attack, int AttackIndex, int Attacks, int Done, int Total);

/// <summary>
/// Runs the chosen attacks on the correctly classified images among K seeded test samples and measures the minimal
/// perturbations they find (paper Table 1). Success is decided here, by classifying what each attack returns, so an
/// attack cannot claim an adversarial that does not change the prediction or leaves [0, 1].
/// </summary>
public static class AttackSuite
{
    public static AttackReport Run(nn.Module<Tensor, Tensor> model, ImageSet test, AttackOptions options, Device device,
        Action<AttackProgress>? progress = null, CancellationToken ct = default)
    {
        var sample = Loop.SeededSplit.Subset(test, options.Samples, options.Seed);
        var s = sample.Shape;
        using var x = tensor(sample.Pixels, [sample.Count, s.Channels, s.Height, s.Width], device: device);
        using var y = tensor(sample.Labels.Select(l => (long)l).ToArray(), device: device);
        return Run(model, x, y, options, progress, ct);
    }

    /// <summary>Attacks the given images (all of them are the samples; <see cref="AttackOptions.Samples"/> applies to a test set).</summary>
    public static AttackReport Run(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, AttackOptions options,
        Action<AttackProgress>? progress = null, CancellationToken ct = default)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors));
        model.eval();
        int samples = (int)images.shape[0];
        using var predictions = Classify(model, images, options.BatchSize);
        using var correct = predictions.eq(labels);
        using var indices = correct.nonzero();
        using var keep = indices.flatten();
        using var x = images.index_select(0, keep);
        using var y = labels.index_select(0, keep);
        int attacked = (int)x.shape[0];

        var results = new List<AttackMetrics>();
        for (int a = 0; a < options.Attacks.Count; a++)
        {
            var attack = AttackCatalog.Create(options.Attacks[a], options);
            // One generator per attack, seeded from the suite's seed and the attack's name: the same attack gives the
            // same numbers whichever other attacks run with it.
            using var generator = SeededNoise.Generator((ulong)(options.Seed * 1_000_003L + StableHash(attack.Name)));
            var context = new AttackContext(options, generator, ct);
            var clock = Stopwatch.StartNew();
            var l2 = new List<double>(); var linf = new List<double>(); var mse = new List<double>();
            progress?.Invoke(new AttackProgress(attack.Name, a, options.Attacks.Count, 0, attacked));
            for (int start = 0; start < attacked; start += options.BatchSize)
            {
                ct.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int count = Math.Min(options.BatchSize, attacked - start);
                var xb = x.narrow(0, start, count);
                var yb = y.narrow(0, start, count);
                var adversarial = attack.Run(model, xb, yb, context);
                var fooled = Fooled(model, adversarial, yb);
                var distances = Distances.Of(xb, adversarial);
                var ok = ToArray<bool>(fooled);
                var d2 = ToArray<float>(distances.L2);
                var di = ToArray<float>(distances.Linf);
                var dm = ToArray<float>(distances.Mse);
                for (int i = 0; i < count; i++)
                    if (ok[i]) { l2.Add(d2[i]); linf.Add(di[i]); mse.Add(dm[i]); }
                progress?.Invoke(new AttackProgress(attack.Name, a, options.Attacks.Count, start + count, attacked));
            }
            results.Add(new AttackMetrics(attack.Name, attacked, l2.Count, attacked == 0 ? 0 : l2.Count / (double)attacked,
                Summary(l2), Summary(linf), Summary(mse), clock.Elapsed.TotalSeconds));
        }
        return new AttackReport(samples, attacked, options.Seed, results);
    }

    /// <summary>True where the image is in [0, 1] and its prediction differs from the label.</summary>
    public static Tensor Fooled(nn.Module<Tensor, Tensor> model, Tensor adversarial, Tensor labels)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var inBox = adversarial.flatten(1).ge(0).all(1).logical_and(adversarial.flatten(1).le(1).all(1));
        return model.call(adversarial).argmax(1).ne(labels).logical_and(inBox).MoveToOuterDisposeScope();
    }

    static Tensor Classify(nn.Module<Tensor, Tensor> model, Tensor x, int batchSize)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long start = 0; start < x.shape[0]; start += batchSize)
        {
            using var scope = NewDisposeScope();
            parts.Add(model.call(x.narrow(0, start, Math.Min(batchSize, x.shape[0] - start))).argmax(1).MoveToOuterDisposeScope());
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }

    static T[] ToArray<T>(Tensor values) where T : unmanaged
    {
        using var onCpu = values.cpu();
        return onCpu.data<T>().ToArray();
    }

    static DistanceSummary Summary(List<double> values)
    {
        if (values.Count == 0) return new DistanceSummary(double.NaN, double.NaN);
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new DistanceSummary(median, sorted.Average());
    }

    static long StableHash(string name) => name.Aggregate(17L, (h, c) => (h * 31 + c) % 1_000_000_007L);
}
