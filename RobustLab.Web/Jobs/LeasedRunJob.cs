using System.Diagnostics;
using Microsoft.Extensions.Options;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// What every job on a run shares (training, attacks; certification and corruptions next): take the run's lease (so
/// two jobs never work on one run at once on any machine), keep it alive with a <see cref="LeaseHeartbeat"/>, stop the
/// work on a user's cancel (<see cref="RunCancellation"/>, and the run store's flag where the <see cref="LeaseMode"/>
/// says so), on a lost lease or on the worker stopping, tell which of these ended it, and release the lease. A job kind
/// supplies the work and what to record for each ending; <paramref name="ended"/> runs while the lease is still held, so
/// no recovery pass sees the run unleased before its final status is written.
/// </summary>
public sealed class LeasedRunJob(
    IRunStore store, RunCancellation cancellation, IOptions<RunExecutionOptions> options, ILogger<LeasedRunJob> logger)
{
    readonly RunExecutionOptions _options = options.Value;

    /// <param name="work">The job's work; it stops when <see cref="LeasedRun.Token"/> is cancelled.</param>
    /// <param name="ended">Records how the work ended (not called when the lease was not acquired).</param>
    /// <param name="shutdown">Hangfire's token: the worker is stopping. That ending is rethrown after the lease is released.</param>
    public async Task<LeasedRunOutcome> RunAsync(Guid runId, LeaseMode mode, Func<LeasedRun, Task> work,
        Func<LeasedRunOutcome, Task>? ended, CancellationToken shutdown)
    {
        string owner = WorkerIdentity.NewOwner();
        if (!await AcquireAsync(runId, owner, mode.WaitForLease, shutdown))
        {
            logger.LogInformation("Run {RunId} is held by another worker; this job does not start.", runId);
            return new(LeasedRunEnd.NotAcquired);
        }
        // The gate outlives the work: what `ended` records goes through it too.
        using var gate = new StoreGate(store);
        try
        {
            var outcome = await WorkAsync(runId, owner, gate, mode, work, shutdown);
            if (ended is not null) await ended(outcome);
            if (outcome.End == LeasedRunEnd.WorkerStopping) throw new OperationCanceledException(shutdown);
            return outcome;
        }
        finally
        {
            try { await store.ReleaseLeaseAsync(runId, owner, CancellationToken.None); }
            catch (Exception e) { logger.LogWarning(e, "Run {RunId}: could not release the lease; it expires by itself.", runId); }
        }
    }

    async Task<bool> AcquireAsync(Guid runId, string owner, TimeSpan wait, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (!await store.TryAcquireLeaseAsync(runId, owner, _options.LeaseDuration, ct))
        {
            if (waited.Elapsed >= wait) return false;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        return true;
    }

    async Task<LeasedRunOutcome> WorkAsync(Guid runId, string owner, StoreGate gate, LeaseMode mode, Func<LeasedRun, Task> work,
        CancellationToken shutdown)
    {
        using var userCancel = new CancellationTokenSource();
        using var leaseLost = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(shutdown, userCancel.Token, leaseLost.Token);
        using var registration = cancellation.Register(runId, userCancel);
        var heartbeat = new LeaseHeartbeat(
            renew: t => gate.CallAsync(s => s.RenewLeaseAsync(runId, owner, _options.LeaseDuration, t), t),
            isCancelRequested: mode.WatchStoreCancel ? t => gate.CallAsync(s => s.IsCancelRequestedAsync(runId, t), t) : _ => Task.FromResult(false),
            _options.EffectiveHeartbeat, _options.LeaseDuration,
            onCancelRequested: () => Cancel(userCancel), onLeaseLost: () => Cancel(leaseLost), logger);
        try
        {
            await work(new LeasedRun(runId, owner, gate, linked.Token));
            return new(LeasedRunEnd.Completed);
        }
        catch (OperationCanceledException) when (userCancel.IsCancellationRequested)
        {
            return new(LeasedRunEnd.Cancelled);
        }
        catch (OperationCanceledException) when (leaseLost.IsCancellationRequested && !shutdown.IsCancellationRequested)
        {
            logger.LogWarning("Run {RunId}: stopped because the lease was lost; the worker that holds it now carries on.", runId);
            return new(LeasedRunEnd.LeaseLost);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            return new(LeasedRunEnd.WorkerStopping);
        }
        catch (Exception e)
        {
            string message = FirstLine(e.Message);
            logger.LogError(e, "Run {RunId} failed: {Message}", runId, message);
            return new(LeasedRunEnd.Failed, message, e);
        }
        finally
        {
            await heartbeat.DisposeAsync();
        }
    }

    static void Cancel(CancellationTokenSource cts)
    {
        try { cts.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>The first line of an error message, at most 1,000 characters: what the run log and the store keep.</summary>
    public static string FirstLine(string message)
    {
        string line = message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return line.Length > 1000 ? line[..1000] + "..." : line;
    }
}
