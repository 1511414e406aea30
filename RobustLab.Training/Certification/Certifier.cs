using System.Diagnostics;
using RobustLab.Training.Data;
using RobustLab.Training.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Certification;

/// <summary>Where a certification stands: images finished and noisy samples classified so far.</summary>
public sealed record CertificationProgress(double Sigma, int ImagesDone, int Images, long SamplesDone, long Samples);

/// <summary>The certification of a test set at one sigma: the settings, the summary figures and the per-image rows.</summary>
/// <param name="Every">The stride k of the certified images 0, k, 2k, ... in the test set.</param>
/// <param name="SamplesPerSecond">Noisy samples classified per second while certifying (majority vote not included).</param>
public sealed record CertificationResult(
    double Sigma, int N0, int N, double Alpha, int Seed, int Every, int BatchSize,
    CertificationSummary Summary,
    MajorityVotePoint MajorityVote, int MajorityVoteSamples,
    double Seconds, double SamplesPerSecond,
    IReadOnlyList<CertifiedImage> Rows);

/// <summary>
/// Certifies every selected test image with <see cref="SmoothedClassifier.Certify"/> (each image with its own generator
/// seeded by the seed and its index, so results are reproducible and independent of the selection), then measures the
/// majority-vote robustness at the same sigma.
/// </summary>
public static class Certifier
{
    /// <summary>f(x) = argmax of the network's logits, in eval mode.</summary>
    public static Func<Tensor, Tensor> ArgmaxOf(nn.Module<Tensor, Tensor> model)
    {
        model.eval();
        return x => model.call(x).argmax(1);
    }

    public static CertificationResult Run(Func<Tensor, Tensor> classify, int classes, ImageSet test, CertificationOptions options,
        Device device, Action<CertificationProgress>? progress = null, CancellationToken ct = default)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors));
        var indices = options.SelectIndices(test.Count);
        int every = options.Stride(test.Count);
        var selected = test.Select(indices);
        var s = selected.Shape;
        using var x = tensor(selected.Pixels, [selected.Count, s.Channels, s.Height, s.Width], device: device);

        long perImage = (long)options.N0 + options.N, total = perImage * indices.Length, done = 0;
        int imagesDone = 0;
        using var smoothed = new SmoothedClassifier(classify, classes, options.Sigma, options.BatchSize, device)
        {
            OnBatch = rows =>
            {
                done += rows;
                progress?.Invoke(new CertificationProgress(options.Sigma, imagesDone, indices.Length, done, total));
            },
        };
        var rows = new List<CertifiedImage>(indices.Length);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < indices.Length; i++)
        {
            using var generator = SeededNoise.Generator(Seeds.Mix(options.Seed, indices[i]));
            using var image = x[i];
            var certificate = smoothed.Certify(image, options.N0, options.N, options.Alpha, generator, ct);
            int label = selected.Labels[i];
            rows.Add(new CertifiedImage(indices[i], label, certificate.Prediction, certificate.Radius, certificate.Prediction == label));
            imagesDone = i + 1;
        }
        Synchronize(device);
        double seconds = clock.Elapsed.TotalSeconds;
        progress?.Invoke(new CertificationProgress(options.Sigma, imagesDone, indices.Length, done, total));

        using var clean = CleanPredictions(classify, x, options.BatchSize);
        using var voteGenerator = SeededNoise.Generator(Seeds.Mix(options.Seed, -1));
        double vote = MajorityVote.At(classify, x, clean, options.Sigma, options.MajorityVoteSamples, options.BatchSize, voteGenerator, ct);

        return new CertificationResult(options.Sigma, options.N0, options.N, options.Alpha, options.Seed, every, options.BatchSize,
            CertificationSummary.From(rows), new MajorityVotePoint(options.Sigma, vote), options.MajorityVoteSamples,
            seconds, done / Math.Max(seconds, 1e-9), rows);
    }

    /// <summary>f(x) for every image, in batches, under no_grad.</summary>
    public static Tensor CleanPredictions(Func<Tensor, Tensor> classify, Tensor x, int batchSize)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long start = 0; start < x.shape[0]; start += batchSize)
        {
            using var scope = NewDisposeScope();
            using var batch = x.narrow(0, start, Math.Min(batchSize, x.shape[0] - start));
            parts.Add(classify(batch).to_type(ScalarType.Int64).MoveToOuterDisposeScope());
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }

    static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }
}
