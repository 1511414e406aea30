using Microsoft.Extensions.Options;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// Brings changes written by other processes (remote workers, the API of another instance) to <see cref="RunEvents"/>:
/// every poll interval (1 s) it reads the runs changed since the last poll and publishes each change once. Runs that
/// execute in this process are skipped: their job publishes its changes directly. The query window overlaps the last
/// one by a few seconds so a worker whose clock lags a little is not missed; the last seen change per run filters out
/// repeats.
/// </summary>
public sealed class RemoteProgressPoller(
    IServiceScopeFactory scopes, RunEvents events, RunCancellation local, IOptions<RunExecutionOptions> options,
    ILogger<RemoteProgressPoller> logger) : BackgroundService
{
    static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);
    readonly Dictionary<Guid, DateTimeOffset> _lastSeen = [];
    DateTimeOffset _since = DateTimeOffset.UtcNow - Overlap;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RemotePollInterval);
        try
        {
            do
            {
                try { await PollAsync(stoppingToken); }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Polling the run store for progress failed; trying again.");
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>One poll; returns how many changes it published.</summary>
    public async Task<int> PollAsync(CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IRunStore>();
        var changed = await store.ChangedSinceAsync(_since - Overlap, ct);
        int published = 0;
        foreach (var run in changed.OrderBy(r => r.UpdatedAt))
        {
            if (run.UpdatedAt > _since) _since = run.UpdatedAt;
            if (_lastSeen.TryGetValue(run.Id, out var seen) && seen >= run.UpdatedAt) continue;
            _lastSeen[run.Id] = run.UpdatedAt;
            if (local.IsRunningHere(run.Id)) continue;
            events.Publish(RunProgress.From(run));
            published++;
        }
        // Forget runs that left the window, so the table stays small.
        foreach (var id in _lastSeen.Where(p => p.Value < _since - 2 * Overlap).Select(p => p.Key).ToList()) _lastSeen.Remove(id);
        return published;
    }
}
