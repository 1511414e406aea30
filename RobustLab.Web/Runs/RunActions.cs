using RobustLab.Web.Artifacts;

namespace RobustLab.Web.Runs;

/// <summary>How a run action ended; the REST API maps it to its status code (see <see cref="RunActionResult"/>).</summary>
public enum RunActionOutcome
{
    /// <summary>Done at once (200): a queued run cancelled, a run that was already cancelled.</summary>
    Done,
    /// <summary>Under way (202): a running run asked to stop, a run queued again.</summary>
    Accepted,
    /// <summary>The run, its queued job and its folder are gone (204).</summary>
    Deleted,
    /// <summary>No such run (404).</summary>
    NotFound,
    /// <summary>The run's state forbids the action (409); the message says what to do instead.</summary>
    Conflict,
    /// <summary>The store or the queue failed (500); the message carries its first line.</summary>
    Failed,
}

/// <summary>What a user action did, with a message that names the run and, on failure, the problem and what to do.</summary>
public sealed record RunActionResult(RunActionOutcome Outcome, string Message, RunEntity? Run = null)
{
    public bool Ok => Outcome is RunActionOutcome.Done or RunActionOutcome.Accepted or RunActionOutcome.Deleted;
}

/// <summary>
/// Cancel, retry and delete: the one place that decides what may be done to a run, used by the REST API and the
/// dashboard alike. A queued, failed, cancelled or succeeded run may be deleted (a queued one loses its waiting job
/// too); a run that a worker is training (Running, Evaluating) or holds under a live lease (training or attacking it)
/// is refused with a message saying to cancel it first. Only failed or cancelled runs are retried. Never throws for a
/// user's mistake or a store error: the result says what went wrong. Deleting a run deletes its files: its folder, and
/// with an artifact store its stored artifacts and this machine's copies (<see cref="RunArtifacts.DeleteRunAsync"/>).
/// </summary>
public sealed class RunActions(IRunStore store, IRunQueue queue, RunArtifacts artifacts, ILogger logger)
{
    public static bool CanCancel(RunStatus s) => s is RunStatus.Queued or RunStatus.Running or RunStatus.Evaluating;
    public static bool CanRetry(RunStatus s) => s is RunStatus.Failed or RunStatus.Cancelled;
    /// <summary>What the status alone allows; the store also refuses a run that a worker holds (an attack on a succeeded run).</summary>
    public static bool CanDelete(RunStatus s) => s is not (RunStatus.Running or RunStatus.Evaluating);

    public Task<RunActionResult> CancelAsync(Guid id, CancellationToken ct = default) => Guarded("cancel", id, async () =>
    {
        var run = await store.GetRunAsync(id, ct: ct);
        if (run is null) return Gone(id);
        if (run.Status == RunStatus.Cancelled) return new(RunActionOutcome.Done, $"Run {Name(id)} is already cancelled.", run);
        if (run.Status.IsFinished())
            return new(RunActionOutcome.Conflict, $"Run {Name(id)} already finished ({run.Status.Name()}); there is nothing to cancel.", run);
        // The queue marks the run in the store and signals an in-process worker at once.
        if (!await queue.CancelAsync(id, ct)) return Gone(id);
        run = await store.GetRunAsync(id, ct: ct);
        if (run is null) return Gone(id);
        return run.Status.IsFinished()
            ? new(RunActionOutcome.Done, $"Run {Name(id)} cancelled.", run)
            : new(RunActionOutcome.Accepted, $"Run {Name(id)}: cancel requested; it stops within one batch.", run);
    });

    public Task<RunActionResult> RetryAsync(Guid id, CancellationToken ct = default) => Guarded("retry", id, async () =>
    {
        var run = await store.GetRunAsync(id, ct: ct);
        if (run is null) return Gone(id);
        if (!CanRetry(run.Status)) return NotRetryable(run);
        if (await queue.RetryAsync(id, ct) is { } reset)
            return new(RunActionOutcome.Accepted, $"Run {Name(id)} is queued again; it resumes after its last finished epoch.", reset);
        // Changed between the read and the reset (deleted, or retried by someone else).
        var now = await store.GetRunAsync(id, ct: ct);
        return now is null ? Gone(id) : NotRetryable(now);
    });

    public Task<RunActionResult> DeleteAsync(Guid id, CancellationToken ct = default) => Guarded("delete", id, async () =>
    {
        var run = await store.GetRunAsync(id, ct: ct);
        if (run is null) return Gone(id);
        if (!CanDelete(run.Status))
            return new(RunActionOutcome.Conflict,
                $"Run {Name(id)} is {run.Status.Name()}: cancel it first, and delete it once it stopped.", run);
        // The store refuses by a live lease in the same statement that deletes, so no worker can take the run in between.
        if (!await store.DeleteRunAsync(id, ct))
        {
            var now = await store.GetRunAsync(id, ct: ct);
            return now is null ? Gone(id) : new(RunActionOutcome.Conflict,
                $"Run {Name(id)} is held by a worker (training it, or attacking it): cancel a training run, and delete it once it stopped.", now);
        }
        // After the row: a worker that takes the job in between finds no run and does nothing.
        try { await queue.RemoveJobAsync(run, ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Run {RunId} was deleted but its job {JobId} could not be removed; it finds no run and does nothing.", id, run.JobId);
        }
        // The folders come from the store's RunDir and the run's id, never from the caller; the stored artifacts go too.
        await artifacts.DeleteRunAsync(run, ct);
        return new(RunActionOutcome.Deleted, $"Run {Name(id)} deleted.", run);
    });

    async Task<RunActionResult> Guarded(string action, Guid id, Func<Task<RunActionResult>> act)
    {
        try { return await act(); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Run {RunId}: {Action} failed.", id, action);
            return new(RunActionOutcome.Failed, $"Run {Name(id)} could not be {Past(action)}: {FirstLine(e.Message)}");
        }
    }

    static RunActionResult Gone(Guid id) =>
        new(RunActionOutcome.NotFound, $"Run {Name(id)} is not in the run store (deleted?).");

    static RunActionResult NotRetryable(RunEntity run) => new(RunActionOutcome.Conflict,
        $"Run {Name(run.Id)} is {run.Status.Name()}; only a failed or cancelled run can be retried.", run);

    static string Past(string action) => action switch { "cancel" => "cancelled", "retry" => "retried", _ => "deleted" };

    static string FirstLine(string message) =>
        message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";

    /// <summary>The run's id as the pages and the API show it.</summary>
    static string Name(Guid id) => id.ToString();
}
