using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The jobs a run asks for with its configuration (<see cref="TrainingOptions.Certify"/>,
/// <see cref="TrainingOptions.Corruptions"/>), in the order they run after it succeeds: certification, then corruptions.
/// They are jobs of their own, chained (<see cref="AfterTrainingChain"/>), rather than more stages of the training job:
/// the run is Succeeded as soon as it is trained and evaluated, so a cancel of the certification (or a failure, or a
/// worker stopping) stops only that job and keeps the trained run and its metrics, the lease mode is the one every
/// job after training has (the store's cancel flag belongs to training), and the run page shows each job's state and
/// progress as it shows a job queued by hand. Attacks stay in the training job as before.
/// </summary>
public static class AfterTrainingPlan
{
    /// <summary>The plan's jobs in order; empty when the run asks for none.</summary>
    public static IReadOnlyList<PostTrainingRequest> Of(TrainingOptions o)
    {
        var jobs = new List<PostTrainingRequest>();
        if (o.Certify is { } c) jobs.Add(new CertifyJobRequest(c.Sigma is { } s ? [s] : null, c.N0, c.N, c.Alpha, c.Images));
        if (o.Corruptions is { } k) jobs.Add(new CorruptJobRequest(k.Names, k.Levels, k.TestSubset));
        return jobs;
    }

    /// <summary>
    /// The plan's job after <paramref name="done"/> (null: after training) whose results the run does not have yet, or
    /// null. A job of a kind the plan does not hold (an attack queued by hand) continues nothing.
    /// </summary>
    public static PostTrainingRequest? Next(TrainingOptions o, PostTrainingJobKind? done, EvaluationResult? metrics)
    {
        var jobs = Of(o);
        int start = done is { } kind ? jobs.ToList().FindIndex(j => j.Kind == kind) + 1 : 0;
        if (done is not null && start == 0) return null;
        return jobs.Skip(start).FirstOrDefault(j => !Done(j, metrics));
    }

    /// <summary>Whether the run already holds the results of <paramref name="job"/> (a redelivered chain does not repeat it).</summary>
    static bool Done(PostTrainingRequest job, EvaluationResult? metrics) => job switch
    {
        CertifyJobRequest { Sigmas: [var sigma] } => metrics?.Certification?.Any(c => c.Sigma == sigma) == true,
        CertifyJobRequest => false, // the training sigma: the job resolves it
        CorruptJobRequest => metrics?.Corruptions is not null,
        _ => false,
    };
}

/// <summary>
/// Queues the next job of a run's <see cref="AfterTrainingPlan"/> when training or a job after training completed,
/// through <see cref="PostTrainingSubmitter"/> (the one rule: a succeeded run, no job pending). The run has already
/// succeeded, so a failure to queue is logged and written to the run log, never thrown.
/// </summary>
public sealed class AfterTrainingChain(IRunStore store, PostTrainingSubmitter submitter, RunArtifacts artifacts, ILogger<AfterTrainingChain> logger)
{
    public async Task ContinueAsync(Guid runId, PostTrainingJobKind? done)
    {
        try
        {
            var run = await store.GetRunAsync(runId, ct: CancellationToken.None);
            if (run is null || run.Status != RunStatus.Succeeded) return;
            if (AfterTrainingPlan.Next(TrainRunJob.ReadConfig(run), done, run.ReadMetrics()) is not { } next) return;
            // The run's job id is the finishing job's own (no other could be queued while it was pending).
            var submission = await submitter.SubmitAsync(runId, next.Kind, _ => ValidatedRequest.Valid(next), CancellationToken.None,
                finishingJobId: done is null ? null : run.JobId);
            if (submission.Outcome != PostTrainingSubmissionOutcome.Accepted)
                await WriteAsync(run, $"the {next.Kind.Noun()} job the run asked for was not queued: {submission.Message}");
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Run {RunId}: queuing the next job after training failed.", runId);
            if (await store.GetRunAsync(runId, ct: CancellationToken.None) is { } run)
                await WriteAsync(run, $"the next job the run asked for was not queued: {LeasedRunJob.FirstLine(e.Message)}");
        }
    }

    async Task WriteAsync(RunEntity run, string line)
    {
        logger.LogWarning("Run {RunId}: {Line}", run.Id, line);
        await artifacts.AppendLogAsync(run, line, CancellationToken.None);
    }
}
