using System.Globalization;
using RobustLab.Training.Certification;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>How a request to certify a run ended.</summary>
public enum CertifySubmissionOutcome { Accepted, Invalid, NotFound, NotSucceeded, JobInProgress }

/// <summary>
/// What <see cref="CertifySubmitter.SubmitAsync"/> did: Accepted (the run and the job id), Invalid (field -> problems:
/// "sigma", "n0", "n", "alpha", "images"), NotFound, NotSucceeded, or JobInProgress (an attack or certification job of the
/// run is queued or running; its id).
/// </summary>
public sealed record CertifySubmission(
    CertifySubmissionOutcome Outcome, string Message, RunEntity? Run = null, string? JobId = null,
    IReadOnlyDictionary<string, string[]>? Errors = null);

/// <summary>
/// Certifies a run that already succeeded (docs/method.md, section "Certified robustness"): checks the request against
/// <see cref="CertificationOptions.Validate"/>, refuses a run that is not succeeded or that has an attack or certification
/// job queued or running (both take the run's lease), and queues a <see cref="CertifyRunJob"/> on the run's device queue.
/// </summary>
public sealed class CertifySubmitter(IRunStore store, ICertifyQueue queue, IAttackQueue attacks, RunEvents events, ILogger<CertifySubmitter> logger)
{
    /// <summary>One gate for check and enqueue, as in <see cref="AttackSubmitter"/>.</summary>
    readonly SemaphoreSlim _gate = new(1, 1);

    public const string SigmaField = "sigma", N0Field = "n0", NField = "n", AlphaField = "alpha", ImagesField = "images";

    /// <summary>
    /// The request with its defaults filled in (n0 100, n 10,000, alpha 0.001, 500 images; sigma: the run's training
    /// sigma) and every problem by field; empty when valid.
    /// </summary>
    public static (CertifyRequestOptions Options, Dictionary<string, string[]> Errors) Validate(
        IReadOnlyList<double>? sigmas, int? n0, int? n, double? alpha, int? images, double trainingSigma)
    {
        var defaults = new CertificationOptions { Sigma = 1 };
        var options = new CertifyRequestOptions(sigmas is { Count: > 0 } ? [.. sigmas.Distinct()] : null,
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
    public async Task<CertifySubmission> SubmitAsync(Guid runId, IReadOnlyList<double>? sigmas, int? n0, int? n, double? alpha, int? images,
        CancellationToken ct = default)
    {
        var run = await store.GetRunAsync(runId, ct: ct);
        if (run is null) return new(CertifySubmissionOutcome.NotFound, $"There is no run '{runId}'.");
        var (options, errors) = Validate(sigmas, n0, n, alpha, images, run.Sigma);
        if (errors.Count > 0)
            return new(CertifySubmissionOutcome.Invalid, string.Join(" ", errors.Values.SelectMany(m => m)), run, Errors: errors);

        await _gate.WaitAsync(ct);
        try
        {
            run = await store.GetRunAsync(runId, ct: ct);
            if (run is null) return new(CertifySubmissionOutcome.NotFound, $"There is no run '{runId}'.");
            if (run.Status != RunStatus.Succeeded)
                return new(CertifySubmissionOutcome.NotSucceeded,
                    $"Only a succeeded run can be certified; run {run.Id} is {run.Status.Name()}.", run);
            foreach (var (kind, status) in new[] { ("certification", await queue.StatusAsync(run, ct)), ("attack", await attacks.StatusAsync(run, ct)) })
                if (status is { IsPending: true } pending)
                    return new(CertifySubmissionOutcome.JobInProgress,
                        $"Run {run.Id} already has an {kind} job {(pending.State == AttackJobState.Running ? "running" : "queued")} (job {pending.JobId}); " +
                        "certify it once that one finished.", run, pending.JobId);

            string jobId = await queue.EnqueueAsync(run, options, ct);
            string what = Describe(options, run.Sigma);
            if (run.RunDir is { } dir && Directory.Exists(dir))
                new RunLog(dir, logger).Write($"certification job {jobId} queued on {run.Queue}: {what}");
            logger.LogInformation("Run {RunId}: certification job {JobId} queued on '{Queue}' ({What}).", run.Id, jobId, run.Queue, what);
            events.Publish(RunProgress.From(run) with { At = DateTimeOffset.UtcNow });
            return new(CertifySubmissionOutcome.Accepted, $"Certification job {jobId} queued on {run.Queue}: {what}.", run, jobId);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>"sigma 0.25, n0 100, n 10000, alpha 0.001, 500 test images": the run log's words for a request.</summary>
    public static string Describe(CertifyRequestOptions o, double trainingSigma) => string.Create(CultureInfo.InvariantCulture,
        $"sigma {string.Join(", ", CheckpointCertification.ResolveSigmas(o.Sigmas, trainingSigma).Select(s => s.ToString(CultureInfo.InvariantCulture)))}, " +
        $"n0 {o.N0}, n {o.N}, alpha {o.Alpha}, {o.Images} test images");
}
