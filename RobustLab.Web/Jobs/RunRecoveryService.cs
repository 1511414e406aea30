using Microsoft.Extensions.Options;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// Takes back runs whose worker died (SIGKILL, power loss): at start and every recovery interval it asks the run store
/// for Running or Evaluating runs whose lease expired, puts each back to Queued and enqueues a fresh job. The job
/// resumes after the last finished epoch. Every process that runs workers runs this; two processes recovering the same
/// run are kept apart by taking the run's lease for the hand-over, and a stale duplicate job is harmless anyway (it
/// finds the lease held or the run finished).
/// </summary>
public sealed class RunRecoveryService(IServiceScopeFactory scopes, IOptions<RunExecutionOptions> options, ILogger<RunRecoveryService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RecoveryInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await RecoverAsync(DateTimeOffset.UtcNow, stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { logger.LogWarning(e, "Run recovery pass failed; trying again in {Interval}.", interval); }
            try { await Task.Delay(interval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One recovery pass; returns the runs put back on their queue.</summary>
    public async Task<IReadOnlyList<Guid>> RecoverAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IRunStore>();
        var queue = scope.ServiceProvider.GetRequiredService<IRunQueue>();
        var recovered = new List<Guid>();
        foreach (var run in await store.FindAbandonedAsync(now, ct))
        {
            // Hold the run while handing it over, so a second recovering process skips it.
            string owner = WorkerIdentity.NewOwner();
            if (!await store.TryAcquireLeaseAsync(run.Id, owner, options.Value.LeaseDuration, ct)) continue;
            try
            {
                await store.SetStatusAsync(run.Id, RunStatus.Queued, ct: ct);
                string jobId = await queue.EnqueueAsync(run, ct);
                recovered.Add(run.Id);
                if (run.LeaseOwner is null)
                    logger.LogInformation("Run {RunId} was left {Status} by a worker that stopped; re-queued on '{Queue}' as job {JobId}.",
                        run.Id, run.Status.Name(), run.Queue, jobId);
                else
                    logger.LogWarning("Run {RunId} was abandoned by {Owner} (lease expired {Expired:O}); re-queued on '{Queue}' as job {JobId}.",
                        run.Id, run.LeaseOwner, run.LeaseExpiresAt, run.Queue, jobId);
            }
            finally
            {
                await store.ReleaseLeaseAsync(run.Id, owner, CancellationToken.None);
            }
        }
        return recovered;
    }
}
