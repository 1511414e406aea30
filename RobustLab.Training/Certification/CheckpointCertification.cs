using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Runtime;
using TorchSharp;

namespace RobustLab.Training.Certification;

/// <summary>
/// The certification of a saved run at one or more sigmas, and the majority-vote robustness over the GNR sigma grid.
/// </summary>
/// <param name="TrainingSigma">The run's training sigma (0 for a baseline).</param>
public sealed record CheckpointCertificationReport(
    string Dataset, int TestImages, double TrainingSigma,
    IReadOnlyList<CertificationResult> Certifications,
    IReadOnlyList<MajorityVotePoint> MajorityVoteCurve);

/// <summary>Certifies a run folder written by training: one entry point for the CLI (and later the job engine).</summary>
public static class CheckpointCertification
{
    /// <summary>
    /// The sigmas to certify at: those asked for, else the run's training sigma. A baseline (trained without noise) has
    /// no sigma of its own, so it must be told one.
    /// </summary>
    public static IReadOnlyList<double> ResolveSigmas(IReadOnlyList<double>? requested, double trainingSigma)
    {
        if (requested is { Count: > 0 }) return requested;
        if (trainingSigma > 0) return [trainingSigma];
        throw new ArgumentException("sigma: this run was trained without noise (sigma 0), so give the sigma to certify at, e.g. 0.25.");
    }

    /// <param name="options">Settings shared by every sigma; its Sigma is replaced by each of <paramref name="sigmas"/>.</param>
    public static CheckpointCertificationReport Run(string checkpointDir, DatasetCatalog catalog, string? dataset,
        IReadOnlyList<double>? sigmas, CertificationOptions options, string device, Action<CertificationProgress>? progress,
        CancellationToken ct)
    {
        var torchDevice = TorchRuntime.ResolveDevice(device);
        TorchRuntime.ConfigureThreads();
        var record = RunFolder.ReadRunJson(checkpointDir);
        var resolved = ResolveSigmas(sigmas, record.Config.Sigma);
        foreach (double sigma in resolved)
        {
            var errors = (options with { Sigma = sigma }).Validate();
            if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors));
        }
        using var model = RunFolder.LoadModel(checkpointDir);
        model.to(torchDevice);
        var test = catalog.Load(dataset ?? record.Config.Dataset).Test;
        if (test.Shape != model.Spec.Input || test.Classes != model.Spec.Classes)
            throw new ArgumentException(
                $"dataset: {test.Name} has {test.Shape} images in {test.Classes} classes, but the checkpoint expects " +
                $"{model.Spec.Input} in {model.Spec.Classes}.");
        var classify = Certifier.ArgmaxOf(model);
        var results = resolved
            .Select(sigma => Certifier.Run(classify, test.Classes, test, options with { Sigma = sigma }, torchDevice, progress, ct))
            .ToList();

        var selected = test.Select(options.SelectIndices(test.Count));
        var s = selected.Shape;
        using var x = TorchSharp.torch.tensor(selected.Pixels, [selected.Count, s.Channels, s.Height, s.Width], device: torchDevice);
        using var clean = Certifier.CleanPredictions(classify, x, options.BatchSize);
        var curve = MajorityVote.Curve(classify, x, clean, CertificationOptions.MajorityVoteSigmas(), options.MajorityVoteSamples,
            options.BatchSize, options.Seed, ct);
        return new CheckpointCertificationReport(test.Name, test.Count, record.Config.Sigma, results, curve);
    }
}
