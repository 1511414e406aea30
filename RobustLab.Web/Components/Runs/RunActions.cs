using RobustLab.Web.Api;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Components.Runs;

/// <summary>What a user action did: <see cref="Ok"/> and a message that names the run and, on failure, the problem.</summary>
public sealed record RunActionResult(bool Ok, string Message);

/// <summary>
/// The dashboard's run actions (cancel, retry, delete) over the job engine, with the same rules as the REST API: a
/// running run is cancelled before it can be deleted, only failed or cancelled runs are retried, and a deleted run's
/// folder goes with it. Never throws for a user's mistake or a store error: the result says what went wrong.
/// </summary>
public sealed class RunActions(IRunStore store, IRunQueue queue, ILogger logger)
{
    public static bool CanCancel(RunStatus s) => s is RunStatus.Queued or RunStatus.Running or RunStatus.Evaluating;
    public static bool CanRetry(RunStatus s) => s is RunStatus.Failed or RunStatus.Cancelled;
    public static bool CanDelete(RunStatus s) => s.IsFinished();

    public async Task<RunActionResult> CancelAsync(Guid id, CancellationToken ct = default)
    {
        string name = RunFormat.ShortId(id);
        try
        {
            return await queue.CancelAsync(id, ct)
                ? new(true, $"Run {name}: cancel requested.")
                : new(false, $"Run {name} could not be cancelled: it is not in the run store any more (deleted?).");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Dashboard: cancelling run {RunId} failed.", id);
            return new(false, $"Run {name} could not be cancelled: {e.Message}");
        }
    }

    public async Task<RunActionResult> RetryAsync(Guid id, CancellationToken ct = default)
    {
        string name = RunFormat.ShortId(id);
        try
        {
            if (await queue.RetryAsync(id, ct) is not null) return new(true, $"Run {name} is queued again; it resumes after its last finished epoch.");
            var run = await store.GetRunAsync(id, ct: ct);
            return new(false, run is null
                ? $"Run {name} could not be retried: it is not in the run store any more (deleted?)."
                : $"Run {name} could not be retried: it is {run.Status.Name()}; only failed or cancelled runs can be retried.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Dashboard: retrying run {RunId} failed.", id);
            return new(false, $"Run {name} could not be retried: {e.Message}");
        }
    }

    public async Task<RunActionResult> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        string name = RunFormat.ShortId(id);
        try
        {
            var run = await store.GetRunAsync(id, ct: ct);
            if (run is null) return new(false, $"Run {name} is already gone.");
            if (!CanDelete(run.Status))
                return new(false, $"Run {name} could not be deleted: it is {run.Status.Name()}; cancel it and delete it once it stopped.");
            if (!await store.DeleteRunAsync(id, ct))
                return new(false, $"Run {name} could not be deleted: a worker still holds it; try again once it stopped.");
            RunFolderCleanup.Delete(run, logger); // the folder comes from the store's RunDir, never from the page
            return new(true, $"Run {name} deleted.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Dashboard: deleting run {RunId} failed.", id);
            return new(false, $"Run {name} could not be deleted: {e.Message}");
        }
    }
}
