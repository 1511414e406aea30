using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Options;
using RobustLab.Training.Attacks;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The Hangfire job that attacks a run that already succeeded (paper Table 1 after the fact), a
/// <see cref="PostTrainingJob"/>: it runs <see cref="RunPipeline.AttackCheckpoint"/> on the run folder and replaces the
/// report in the stored metrics, keeping every other metric.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class AttackRunJob(
    IRunStore store, DatasetCatalog catalog, RunEvents events, LeasedRunJob leased, AfterTrainingChain chain, RunArtifacts artifacts,
    IOptions<RunExecutionOptions> options, ILogger<AttackRunJob> logger) : PostTrainingJob(store, events, leased, chain, artifacts, options, logger)
{
    protected override PostTrainingJobKind Kind => PostTrainingJobKind.Attack;

    /// <param name="runId">The run in the run store.</param>
    /// <param name="attacks">Attack names (<see cref="AttackCatalog.Names"/>), validated when the job was queued.</param>
    /// <param name="samples">K: test images the attacks draw.</param>
    /// <param name="ct">Hangfire's shutdown token: the worker is stopping (the job is delivered again).</param>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("Attack run {0}")]
    public Task ExecuteAsync(Guid runId, string[] attacks, int samples, CancellationToken ct) =>
        RunAsync(runId, w => AttackAsync(w, new AttackOptions { Attacks = attacks, Samples = samples }), ct);

    async Task AttackAsync(PostTrainingWork w, AttackOptions attacks)
    {
        var run = w.Run;
        w.Log.AttacksStarted(attacks.Attacks, attacks.Samples);
        Publish(run);
        Logger.LogInformation("Run {RunId}: attacking with {Attacks} on {Samples} test images ({Device}).",
            run.Id, string.Join(", ", attacks.Attacks), attacks.Samples, run.Device);
        // The log thins its own lines (RunLog.Attack); the pages hear of a report at most once per interval.
        var progress = Progress<AttackProgress>(run, p => p.Done == 0 || p.Done >= p.Total, _ => { });
        void OnProgress(AttackProgress p) { w.Log.Attack(p); progress(p); }

        var attacked = await w.Lease.OnOwnThread(token => RunPipeline.AttackCheckpoint(w.RunDir, catalog, attacks, run.Device, OnProgress, token));
        await SaveMetricsAsync(w, null,
            stored => stored with { Attacks = attacked.Report, Timings = stored.Timings.WithStage(RunStage.Attacking, attacked.Seconds) },
            RunLog.AttacksFinishedLine(attacked.Report));
    }
}
