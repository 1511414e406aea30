using RobustLab.Training.Attacks;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>How a request to attack a run ended.</summary>
public enum AttackSubmissionOutcome { Accepted, Invalid, NotFound, NotSucceeded, AttackInProgress }

/// <summary>
/// What <see cref="AttackSubmitter.SubmitAsync"/> did: Accepted (the run and the job id), Invalid (field -> problems,
/// fields "attacks" and "samples"), NotFound, NotSucceeded, or AttackInProgress (the job id of the queued or running one).
/// <see cref="Message"/> says it in a sentence for the dashboard and the API's problem details.
/// </summary>
public sealed record AttackSubmission(
    AttackSubmissionOutcome Outcome, string Message, RunEntity? Run = null, string? JobId = null,
    IReadOnlyDictionary<string, string[]>? Errors = null);

/// <summary>
/// Attacks a run that already succeeded: checks the request, refuses a run that is not succeeded or whose attack job is
/// still queued or running (see <see cref="HangfireAttackQueue"/> for how that is known), and queues an
/// <see cref="AttackRunJob"/> on the run's device queue. The API (POST /api/runs/{id}/attacks) and the run page both
/// call this, so they follow one rule.
/// </summary>
public sealed class AttackSubmitter(IRunStore store, IAttackQueue queue, RunEvents events, ILogger<AttackSubmitter> logger)
{
    /// <summary>
    /// Makes the check and the enqueue one step for this process: two clicks (or a click and a POST) never queue two jobs.
    /// Submissions are rare and quick, so one gate for every run is enough. Processes sharing a store can still race
    /// here; the job's lease then keeps the two jobs from attacking at the same time.
    /// </summary>
    readonly SemaphoreSlim _gate = new(1, 1);

    public const string AttacksField = "attacks", SamplesField = "samples";

    /// <summary>
    /// The attack options for <paramref name="attacks"/> (names, or ["all"]) and <paramref name="samples"/> (default
    /// <see cref="AttackSelection.DefaultSamples"/>), and every problem by field ("attacks", "samples"); empty when valid.
    /// </summary>
    public static (AttackOptions Options, Dictionary<string, string[]> Errors) Validate(IEnumerable<string?>? attacks, int? samples)
    {
        var options = new AttackOptions
        {
            Attacks = AttackSelection.InCatalogOrder(AttackSelection.Normalize(attacks)),
            Samples = samples ?? AttackSelection.DefaultSamples,
        };
        var errors = new Dictionary<string, List<string>>();
        foreach (string message in options.Validate())
        {
            // AttackOptions names its fields as the CLI does ("attacks: ...", "attack-samples must be ..."); here it is "samples".
            string field = message.StartsWith("attack-samples", StringComparison.Ordinal) ? SamplesField
                : message.StartsWith("attacks", StringComparison.Ordinal) ? AttacksField : "body";
            string text = field == SamplesField ? "samples" + message["attack-samples".Length..] : message;
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            if (!list.Contains(text)) list.Add(text);
        }
        return (options, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    /// <summary>Queues an attack job for run <paramref name="runId"/>. A failure to enqueue is thrown (the API answers 500).</summary>
    public async Task<AttackSubmission> SubmitAsync(Guid runId, IEnumerable<string?>? attacks, int? samples, CancellationToken ct = default)
    {
        var run = await store.GetRunAsync(runId, ct: ct);
        if (run is null) return new(AttackSubmissionOutcome.NotFound, $"There is no run '{runId}'.");
        var (options, errors) = Validate(attacks, samples);
        if (errors.Count > 0)
            return new(AttackSubmissionOutcome.Invalid, string.Join(" ", errors.Values.SelectMany(m => m)), run, Errors: errors);

        await _gate.WaitAsync(ct);
        try
        {
            run = await store.GetRunAsync(runId, ct: ct); // again under the gate: the job id may have changed
            if (run is null) return new(AttackSubmissionOutcome.NotFound, $"There is no run '{runId}'.");
            if (run.Status != RunStatus.Succeeded)
                return new(AttackSubmissionOutcome.NotSucceeded,
                    $"Only a succeeded run can be attacked; run {run.Id} is {run.Status.Name()}.", run);
            if (await queue.StatusAsync(run, ct) is { IsPending: true } pending)
                return new(AttackSubmissionOutcome.AttackInProgress,
                    $"Run {run.Id} already has an attack job {(pending.State == AttackJobState.Running ? "running" : "queued")} (job {pending.JobId}); " +
                    "attack it again once that one finished.", run, pending.JobId);

            string jobId = await queue.EnqueueAsync(run, options, ct);
            // Only where the run folder is (a remote worker's folder is not created here by a log line).
            if (run.RunDir is { } dir && Directory.Exists(dir))
                new RunLog(dir, logger).AttacksQueued(jobId, run.Queue, options.Attacks, options.Samples);
            logger.LogInformation("Run {RunId}: attack job {JobId} queued on '{Queue}' ({Attacks} on {Samples} images).",
                run.Id, jobId, run.Queue, string.Join(", ", options.Attacks), options.Samples);
            events.Publish(RunProgress.From(run) with { At = DateTimeOffset.UtcNow });
            return new(AttackSubmissionOutcome.Accepted,
                $"Attack job {jobId} queued on {run.Queue}: {string.Join(", ", options.Attacks)} on {options.Samples} test images.", run, jobId);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The run's latest attack job, or null (none, finished, or the job engine could not be read: that is logged).</summary>
    public async Task<AttackJobStatus?> StatusAsync(RunEntity run, CancellationToken ct = default)
    {
        try { return await queue.StatusAsync(run, ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Reading the attack job of run {RunId} failed.", run.Id);
            return null;
        }
    }
}
