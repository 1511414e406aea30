using RobustLab.Web.Artifacts;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>How a request for a job after training ended.</summary>
public enum PostTrainingSubmissionOutcome { Accepted, Invalid, NotFound, NotSucceeded, JobInProgress }

/// <summary>
/// What <see cref="PostTrainingSubmitter.SubmitAsync"/> did: Accepted (the run and the job id), Invalid (field -> problems),
/// NotFound, NotSucceeded, or JobInProgress (<see cref="Pending"/>: the run's queued or running job, of any kind).
/// <see cref="Message"/> says it in a sentence for the dashboard and the API's problem details.
/// </summary>
public sealed record PostTrainingSubmission(
    PostTrainingSubmissionOutcome Outcome, string Message, RunEntity? Run = null, string? JobId = null,
    IReadOnlyDictionary<string, string[]>? Errors = null, PostTrainingJobStatus? Pending = null);

/// <summary>A request checked against its run: the request to queue, or the problems by field.</summary>
public sealed record ValidatedRequest(PostTrainingRequest? Request, IReadOnlyDictionary<string, string[]> Errors)
{
    public static ValidatedRequest Valid(PostTrainingRequest request) => new(request, new Dictionary<string, string[]>());
    public static ValidatedRequest Invalid(IReadOnlyDictionary<string, string[]> errors) => new(null, errors);
}

/// <summary>
/// The one rule for queuing a job after training (attacks, certification, corruptions), which the API, the run page and
/// the job chain after training all follow: the run must exist and have succeeded, the request must be valid, and no
/// job after training of any kind may be queued or running for the run, because they share the run's lease and its
/// <see cref="RunEntity.JobId"/> (a second job would hide the first one's state). Then the job goes on the run's device
/// queue (<see cref="IPostTrainingQueue"/>).
/// </summary>
public sealed class PostTrainingSubmitter(
    IRunStore store, IPostTrainingQueue queue, RunEvents events, RunArtifacts artifacts, ILogger<PostTrainingSubmitter> logger)
{
    /// <summary>
    /// Makes the check and the enqueue one step for this process: two clicks (or a click and a POST) never queue two jobs.
    /// Submissions are rare and quick, so one gate for every run is enough. Processes sharing a store can still race
    /// here; the jobs' lease then keeps the two from working at the same time.
    /// </summary>
    readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// Queues the job <paramref name="validate"/> makes of the request for run <paramref name="runId"/> (it sees the run,
    /// for defaults such as the training sigma). A failure to enqueue is thrown (the API answers 500).
    /// </summary>
    /// <param name="finishingJobId">The job that queues its successor as it ends (the chain after training): it is still
    /// Running in the job engine, but it does not block the job that follows it.</param>
    public async Task<PostTrainingSubmission> SubmitAsync(Guid runId, PostTrainingJobKind kind, Func<RunEntity, ValidatedRequest> validate,
        CancellationToken ct = default, string? finishingJobId = null)
    {
        var run = await store.GetRunAsync(runId, ct: ct);
        if (run is null) return new(PostTrainingSubmissionOutcome.NotFound, $"There is no run '{runId}'.");
        var validated = validate(run);
        if (validated.Request is not { } request)
            return new(PostTrainingSubmissionOutcome.Invalid, string.Join(" ", validated.Errors.Values.SelectMany(m => m)), run, Errors: validated.Errors);

        await _gate.WaitAsync(ct);
        try
        {
            run = await store.GetRunAsync(runId, ct: ct); // again under the gate: the job id may have changed
            if (run is null) return new(PostTrainingSubmissionOutcome.NotFound, $"There is no run '{runId}'.");
            if (run.Status != RunStatus.Succeeded)
                return new(PostTrainingSubmissionOutcome.NotSucceeded,
                    $"Only a succeeded run can have {kind.WithArticle()} job; run {run.Id} is {run.Status.Name()}.", run);
            if (await queue.StatusAsync(run, ct) is { IsPending: true } pending && pending.JobId != finishingJobId)
                return new(PostTrainingSubmissionOutcome.JobInProgress,
                    $"Run {run.Id} already has {pending.Kind.WithArticle()} job {pending.StateName} (job {pending.JobId}); " +
                    $"queue {kind.WithArticle()} job once that one finished.", run, pending.JobId, Pending: pending);
            return await EnqueueAsync(run, request, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    async Task<PostTrainingSubmission> EnqueueAsync(RunEntity run, PostTrainingRequest request, CancellationToken ct)
    {
        var kind = request.Kind;
        string jobId = await queue.EnqueueAsync(run, request, ct);
        string what = request.Describe(run.Sigma);
        // Only where the run folder is, or into the stored log (a remote worker's folder is not created here by a log line).
        await artifacts.AppendLogAsync(run, $"{kind.Noun()} job {jobId} queued on {run.Queue}: {what}", ct);
        logger.LogInformation("Run {RunId}: {Kind} job {JobId} queued on '{Queue}' ({What}).", run.Id, kind.Noun(), jobId, run.Queue, what);
        events.Publish(RunProgress.From(run) with { At = DateTimeOffset.UtcNow });
        return new(PostTrainingSubmissionOutcome.Accepted, $"{PostTrainingJobKinds.Capitalize(kind.Noun())} job {jobId} queued on {run.Queue}: {what}.", run, jobId);
    }

    /// <summary>The run's latest job after training, or null (none, finished, or the job engine could not be read: that is logged).</summary>
    public async Task<PostTrainingJobStatus?> StatusAsync(RunEntity run, CancellationToken ct = default)
    {
        try { return await queue.StatusAsync(run, ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Reading the job after training of run {RunId} failed.", run.Id);
            return null;
        }
    }

}
