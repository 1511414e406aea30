namespace RobustLab.Web.Runs;

/// <summary>Hands a stored run to the queue (which records the job id on the run); shared by run and sweep submission.</summary>
public static class RunSubmission
{
    public static async Task<RunEntity> EnqueueAsync(IRunStore store, IRunQueue queue, RunEntity run, CancellationToken ct)
    {
        try
        {
            await queue.EnqueueAsync(run, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without a job nothing would ever pick the run up: fail it visibly (it can be retried) and report the 500.
            await store.SetStatusAsync(run.Id, RunStatus.Failed, $"could not be queued on '{run.Queue}': {e.Message}", CancellationToken.None);
            throw;
        }
        return run;
    }
}
