using RobustLab.Web.Jobs;

namespace RobustLab.Web.Components.Runs;

/// <summary>
/// A component's subscription to <see cref="RunEvents"/>: every change (optionally only those of one run) is handed to
/// <paramref name="onChange"/> through <paramref name="dispatch"/> (the component's InvokeAsync, so the handler runs on
/// the circuit's renderer, never on the training thread). Disposing it removes the handler, so a closed browser tab
/// leaves nothing attached to the singleton.
/// </summary>
public sealed class RunEventSubscription : IDisposable
{
    readonly RunEvents _events;
    readonly Func<Func<Task>, Task> _dispatch;
    readonly Func<RunProgress, Task> _onChange;
    readonly Guid? _runId;
    int _disposed;

    public RunEventSubscription(RunEvents events, Func<Func<Task>, Task> dispatch, Func<RunProgress, Task> onChange, Guid? runId = null)
    {
        _events = events;
        _dispatch = dispatch;
        _onChange = onChange;
        _runId = runId;
        _events.Changed += OnChanged;
    }

    void OnChanged(RunProgress progress)
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        if (_runId is { } id && progress.RunId != id) return;
        // Fire and forget: the publisher (a training thread) must not wait for a browser.
        _ = DispatchAsync(progress);
    }

    async Task DispatchAsync(RunProgress progress)
    {
        // A renderer that is gone (the circuit closed between the check and here) throws; so may a page handler whose
        // store read failed. Neither may reach the publisher, and the next change brings the page up to date.
        try { await _dispatch(() => Volatile.Read(ref _disposed) != 0 ? Task.CompletedTask : _onChange(progress)); }
        catch (Exception) { }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _events.Changed -= OnChanged;
    }
}
