using System.ComponentModel;
using System.Globalization;
using Hangfire;
using Microsoft.Extensions.Options;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Comparison;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The Hangfire job that measures a run that already succeeded under common corruptions (docs/method.md, section
/// "Common corruptions and calibration"), a <see cref="PostTrainingJob"/>: <see cref="RunCorruptions.Measure"/> on the
/// run folder, with mCE relative to the reference baseline (<see cref="FindBaselineAsync"/>), and the report stored in
/// the run's metrics (<see cref="Training.Evaluation.EvaluationResult.Corruptions"/>), keeping every other metric.
/// A cancel stops it before the next (corruption, severity).
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class CorruptRunJob(
    IRunStore store, DatasetCatalog catalog, RunEvents events, LeasedRunJob leased, AfterTrainingChain chain, RunArtifacts artifacts,
    IOptions<RunExecutionOptions> options, ILogger<CorruptRunJob> logger) : PostTrainingJob(store, events, leased, chain, artifacts, options, logger)
{
    protected override PostTrainingJobKind Kind => PostTrainingJobKind.Corrupt;

    /// <param name="corruptions">Names from <see cref="CorruptionCatalog.Names"/>, validated when the job was queued.</param>
    /// <param name="severities">Severities in 1-5.</param>
    /// <param name="testSubset">Test images, drawn with the run's seed; null: the run's own test subset.</param>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("Corrupt run {0}")]
    public Task ExecuteAsync(Guid runId, string[] corruptions, int[] severities, int? testSubset, CancellationToken ct) =>
        RunAsync(runId, w => CorruptAsync(w, new CorruptJobRequest(corruptions, severities, testSubset)), ct);

    async Task CorruptAsync(PostTrainingWork w, CorruptJobRequest request)
    {
        var run = w.Run;
        var reference = await FindBaselineAsync(Store, Artifacts, run, w.Lease.Token);
        w.Log.Write("measuring corruptions: " + request.Describe(run.Sigma) + "; " + (reference is null
            ? $"no succeeded baseline run of {run.Model} on {run.Dataset}, so no mCE"
            : reference.Id == run.Id ? "this baseline run is the mCE reference" : $"mCE reference: baseline run {reference.Id}"));
        Publish(run);
        var baseline = reference is null ? null
            : new CorruptionBaseline(reference.Id.ToString(), await BaselineDirAsync(w, reference), reference.ReadMetrics()?.Corruptions);
        var progress = Progress<CorruptionProgress>(run, p => p.Done >= p.Total,
            p => w.Log.Write($"measuring corruptions: {p.Corruption} severity {p.Severity} ({p.Done}/{p.Total})"));

        var measured = await w.Lease.OnOwnThread(token => RunCorruptions.Measure(w.RunDir, catalog, request.Corruptions, request.Severities,
            request.TestSubset, baseline, run.Device, progress, token));
        var r = measured.Report;
        await SaveMetricsAsync(w, measured.Metrics,
            stored => stored with { Corruptions = r, Timings = stored.Timings.WithStage(RunStage.Corrupting, measured.Seconds) },
            string.Create(CultureInfo.InvariantCulture,
                $"corruptions finished: mean corruption accuracy {r.MeanCorruptionAccuracy:0.####} over {r.Corruptions.Count} corruption(s), " +
                $"clean ECE {r.Clean.Ece:0.####}, NLL {r.Clean.Nll:0.####}") +
            (r.Errors is { } e ? string.Create(CultureInfo.InvariantCulture, $", mCE {e.Mce:0.####}, relative mCE {e.RelativeMce:0.####}") : ", no mCE (no baseline)"));
    }

    /// <summary>
    /// The reference network of mCE: the run itself when it is a baseline, else <see cref="CorruptionReference"/>'s choice
    /// among the succeeded baseline runs of the same data set and model whose weights this worker can load (in its run
    /// folder, or in the artifact store); null when there is none (the report then has no mCE).
    /// </summary>
    public static async Task<RunEntity?> FindBaselineAsync(IRunStore store, RunArtifacts artifacts, RunEntity run, CancellationToken ct)
    {
        if (run.Method == TrainingMethod.Baseline) return run;
        var baselines = await store.ListRunsAsync(new RunFilter(Dataset: run.Dataset, Model: run.Model, Method: TrainingMethod.Baseline,
            Status: RunStatus.Succeeded), ct);
        foreach (var b in CorruptionReference.Candidates(baselines.Where(b => b.RunDir is not null), b => b.Id, b => b.Method))
            if (await artifacts.HasFileAsync(b, RunFolder.ModelDatFile, ct)) return b;
        return null;
    }

    /// <summary>
    /// The folder of the reference's weights on this worker: the run's own work folder when it is its own reference,
    /// else the reference's run folder or, with a store, read copies of its model.dat and run.json (the reference is
    /// not under this job's lease, so its work folder is left alone).
    /// </summary>
    async Task<string> BaselineDirAsync(PostTrainingWork w, RunEntity reference)
    {
        if (reference.Id == w.Run.Id) return w.RunDir;
        return await Artifacts.ReadableDirAsync(reference, [RunFolder.ModelDatFile, RunFolder.RunJsonFile], w.Lease.Token)
            ?? throw new InvalidOperationException($"baseline run {reference.Id} has no folder.");
    }
}
