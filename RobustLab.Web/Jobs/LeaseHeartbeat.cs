namespace RobustLab.Web.Jobs;

/// <summary>
/// Keeps a worker's lease on a run alive while it trains and watches for a cancel written to the run store by another
/// process. Every interval it renews the lease, then asks whether a cancel was requested. It reports the lease lost
/// when a renewal is refused (another worker took the run) or when no renewal has succeeded for most of the lease
/// duration (the store is unreachable, so the lease may already have expired): the run must then stop at once, because
/// another worker may be about to take it over.
/// </summary>
public sealed class LeaseHeartbeat : IAsyncDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;

    public LeaseHeartbeat(
        Func<CancellationToken, Task<bool>> renew, Func<CancellationToken, Task<bool>> isCancelRequested,
        TimeSpan interval, TimeSpan leaseDuration, Action onCancelRequested, Action onLeaseLost, ILogger logger)
    {
        _loop = Task.Run(() => Loop(renew, isCancelRequested, interval, leaseDuration, onCancelRequested, onLeaseLost, logger, _stop.Token));
    }

    static async Task Loop(
        Func<CancellationToken, Task<bool>> renew, Func<CancellationToken, Task<bool>> isCancelRequested,
        TimeSpan interval, TimeSpan leaseDuration, Action onCancelRequested, Action onLeaseLost, ILogger logger, CancellationToken stop)
    {
        var lastRenewed = DateTimeOffset.UtcNow;
        var giveUpAfter = leaseDuration * 0.8;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    if (!await renew(stop))
                    {
                        logger.LogWarning("Lost the lease: another worker holds the run now; stopping this attempt.");
                        onLeaseLost();
                        return;
                    }
                    lastRenewed = DateTimeOffset.UtcNow;
                    if (await isCancelRequested(stop)) onCancelRequested();
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Heartbeat failed: could not renew the lease or read the cancel flag.");
                    if (DateTimeOffset.UtcNow - lastRenewed > giveUpAfter)
                    {
                        logger.LogError("No lease renewal for {Seconds:F0} s: the lease may have expired; stopping this attempt.",
                            (DateTimeOffset.UtcNow - lastRenewed).TotalSeconds);
                        onLeaseLost();
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    /// <summary>Stops the heartbeat and waits for a renewal in flight to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
