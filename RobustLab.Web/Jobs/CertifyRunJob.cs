using System.ComponentModel;
using System.Globalization;
using Hangfire;
using Microsoft.Extensions.Options;
using RobustLab.Training.Certification;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The Hangfire job that certifies a run that already succeeded by randomised smoothing (docs/method.md, section
/// "Certified robustness"), a <see cref="PostTrainingJob"/>: it runs <see cref="RunCertification.Certify"/> on the run
/// folder, writes certify-&lt;sigma&gt;.csv there and merges the scalars per sigma into the stored metrics, keeping every
/// other metric. A cancel stops it within one batch.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class CertifyRunJob(
    IRunStore store, DatasetCatalog catalog, RunEvents events, LeasedRunJob leased, AfterTrainingChain chain, RunArtifacts artifacts,
    IOptions<RunExecutionOptions> options, ILogger<CertifyRunJob> logger) : PostTrainingJob(store, events, leased, chain, artifacts, options, logger)
{
    protected override PostTrainingJobKind Kind => PostTrainingJobKind.Certify;

    /// <param name="sigmas">Noise levels to certify at; null: the run's training sigma. Validated when the job was queued.</param>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("Certify run {0}")]
    public Task ExecuteAsync(Guid runId, double[]? sigmas, int n0, int n, double alpha, int images, CancellationToken ct) =>
        RunAsync(runId, w => CertifyAsync(w, new CertifyJobRequest(sigmas, n0, n, alpha, images)), ct);

    async Task CertifyAsync(PostTrainingWork w, CertifyJobRequest request)
    {
        var run = w.Run;
        w.Log.Write("certifying: " + request.Describe(run.Sigma));
        Publish(run);
        var certification = new CertificationOptions { Sigma = 1, N0 = request.N0, N = request.N, Alpha = request.Alpha, Images = request.Images };
        var progress = Progress<CertificationProgress>(run, p => p.SamplesDone >= p.Samples,
            p => w.Log.Write(string.Create(CultureInfo.InvariantCulture, $"certifying at sigma {p.Sigma}: {p.ImagesDone}/{p.Images} images")));

        var certified = await w.Lease.OnOwnThread(token =>
            RunCertification.Certify(w.RunDir, catalog, request.Sigmas, certification, run.Device, progress, token));
        var fresh = certified.Report.Certifications.Select(CertificationMetrics.From).ToList();
        await SaveMetricsAsync(w, certified.Metrics, stored => stored with
            {
                Certification = CertificationMetrics.Merge(stored.Certification, fresh),
                Timings = stored.Timings.WithStage(RunStage.Certifying, certified.Seconds),
            },
            "certification finished: " + string.Join("; ", fresh.Select(f => string.Create(CultureInfo.InvariantCulture,
                $"sigma {f.Sigma}: certified accuracy {f.CertifiedAccuracy[0].Accuracy:0.###} at radius 0, ACR {f.AverageCertifiedRadius:0.####}, " +
                $"certified AUC {f.CertifiedAuc:0.####}, abstain {f.AbstainRate:0.###}"))));
    }
}
