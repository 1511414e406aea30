using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The run store for one leased job, one call at a time: the lease heartbeat and the job's own writes (progress, epochs,
/// status) never use the store at once, so a slow write never overlaps a renewal on the same connection pool slot.
/// </summary>
public sealed class StoreGate(IRunStore store) : IDisposable
{
    readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<T> CallAsync<T>(Func<IRunStore, Task<T>> call, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try { return await call(store); }
        finally { _gate.Release(); }
    }

    public Task CallAsync(Func<IRunStore, Task> call, CancellationToken ct = default) =>
        CallAsync(async s => { await call(s); return true; }, ct);

    public void Dispose() => _gate.Dispose();
}
