using System.Collections.Concurrent;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The runs executing in this process and how to stop each at once. A cancel from the API in the same process takes
/// effect at the next batch; a cancel for a run on another machine reaches it through the run store, when that
/// worker's heartbeat polls <c>IsCancelRequestedAsync</c>.
/// </summary>
public sealed class RunCancellation
{
    readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    /// <summary>Marks the run as executing here until the returned handle is disposed.</summary>
    public IDisposable Register(Guid runId, CancellationTokenSource userCancel)
    {
        _running[runId] = userCancel;
        return new Registration(this, runId, userCancel);
    }

    /// <summary>Signals the run's cancel if it executes in this process; false otherwise.</summary>
    public bool Cancel(Guid runId)
    {
        if (!_running.TryGetValue(runId, out var cts)) return false;
        try { cts.Cancel(); } catch (ObjectDisposedException) { return false; }
        return true;
    }

    public bool IsRunningHere(Guid runId) => _running.ContainsKey(runId);

    sealed class Registration(RunCancellation owner, Guid runId, CancellationTokenSource cts) : IDisposable
    {
        public void Dispose() => owner._running.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(runId, cts));
    }
}
