using RobustLab.Training.Certification;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// Certifies a run that already succeeded (docs/method.md, section "Certified robustness"): checks the request against
/// <see cref="CertificationOptions.Validate"/> (fields "sigma", "n0", "n", "alpha", "images") and queues a
/// <see cref="CertifyRunJob"/> through <see cref="PostTrainingSubmitter"/>, which refuses a run that is not succeeded or
/// that has any job after training queued or running.
/// </summary>
public sealed class CertifySubmitter(PostTrainingSubmitter submitter)
{
    public const string SigmaField = "sigma", N0Field = "n0", NField = "n", AlphaField = "alpha", ImagesField = "images";

    /// <summary>
    /// The request with its defaults filled in (n0 100, n 10,000, alpha 0.001, 500 images; sigma: the run's training
    /// sigma) and every problem by field; empty when valid.
    /// </summary>
    public static (CertifyJobRequest Options, Dictionary<string, string[]> Errors) Validate(
        IReadOnlyList<double>? sigmas, int? n0, int? n, double? alpha, int? images, double trainingSigma)
    {
        var defaults = new CertificationOptions { Sigma = 1 };
        var options = new CertifyJobRequest(sigmas is { Count: > 0 } ? [.. sigmas.Distinct()] : null,
            n0 ?? defaults.N0, n ?? defaults.N, alpha ?? defaults.Alpha, images ?? defaults.Images!.Value);
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            if (!list.Contains(message)) list.Add(message);
        }
        IReadOnlyList<double> resolved = [1.0];
        try { resolved = CheckpointCertification.ResolveSigmas(options.Sigmas, trainingSigma); }
        catch (ArgumentException e) { Add(SigmaField, e.Message); }
        foreach (double sigma in resolved)
        {
            var sized = defaults with { Sigma = sigma, N0 = options.N0, N = options.N, Alpha = options.Alpha, Images = options.Images };
            foreach (string message in sized.Validate())
                Add(FieldOf(message), message);
        }
        return (options, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    /// <summary>The request field a message of <see cref="CertificationOptions.Validate"/> is about (it starts with the name).</summary>
    static string FieldOf(string message) =>
        new[] { N0Field, SigmaField, AlphaField, ImagesField, NField }.FirstOrDefault(f => message.StartsWith(f + " ", StringComparison.Ordinal)) ?? "body";

    /// <summary>Queues a certification job for run <paramref name="runId"/>. A failure to enqueue is thrown (the API answers 500).</summary>
    public Task<PostTrainingSubmission> SubmitAsync(Guid runId, IReadOnlyList<double>? sigmas, int? n0, int? n, double? alpha, int? images,
        CancellationToken ct = default) =>
        submitter.SubmitAsync(runId, PostTrainingJobKind.Certify, run => Request(sigmas, n0, n, alpha, images, run.Sigma), ct);

    /// <summary>The request as a job request, or the problems by field.</summary>
    public static ValidatedRequest Request(IReadOnlyList<double>? sigmas, int? n0, int? n, double? alpha, int? images, double trainingSigma)
    {
        var (options, errors) = Validate(sigmas, n0, n, alpha, images, trainingSigma);
        return errors.Count > 0 ? ValidatedRequest.Invalid(errors) : ValidatedRequest.Valid(options);
    }
}
