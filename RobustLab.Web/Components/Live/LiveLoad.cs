using RobustLab.Web.Jobs;

namespace RobustLab.Web.Components.Live;

/// <summary>
/// The one way a dashboard page reads its data and follows live changes. A page gives it how to read
/// (<c>load</c>, off the renderer) and how to show what was read (<c>apply</c>, on the renderer); then
/// <list type="bullet">
/// <item><see cref="ReloadAsync"/> reads now and keeps only the newest read: an older one that lands last is dropped and
/// cancelled, so a slow read of the previous choice never overwrites a newer one;</item>
/// <item><see cref="Follow"/> hands every <see cref="RunEvents"/> change the page cares about to a handler on the
/// renderer, and <see cref="ReloadSoon"/> turns a burst of changes into one read after a quiet delay;</item>
/// <item><see cref="RefreshEvery"/> reads again on a timer, for what no event announces (a run deleted elsewhere);</item>
/// <item><see cref="Dispose"/> removes the handler from the singleton and cancels every pending read and timer.</item>
/// </list>
/// Reads started by events and timers wait for a read in flight instead of cancelling it, so a steady stream of
/// changes can never starve the page of results.
/// </summary>
public sealed class LiveLoad<T> : IDisposable
{
    readonly Func<CancellationToken, Task<T>> _load;
    readonly Action<T> _apply;
    readonly Func<Func<Task>, Task> _dispatch;
    readonly Action _render;
    readonly CancellationTokenSource _disposed = new();
    readonly object _gate = new();
    CancellationTokenSource? _current;
    Task _inFlight = Task.CompletedTask;
    int _version, _soonQueued;
    RunEvents? _events;

    /// <param name="load">Reads the page's data; its token is cancelled when a newer read starts or the page closes.</param>
    /// <param name="apply">Shows a read's result (runs on the renderer, only for the newest read).</param>
    /// <param name="dispatch">The component's InvokeAsync: handlers and background reads run on its renderer.</param>
    /// <param name="render">The component's StateHasChanged, called after a background read or change.</param>
    public LiveLoad(Func<CancellationToken, Task<T>> load, Action<T> apply, Func<Func<Task>, Task> dispatch, Action render)
    {
        _load = load;
        _apply = apply;
        _dispatch = dispatch;
        _render = render;
    }

    /// <summary>How long <see cref="ReloadSoon"/> waits for a burst of changes to end; half a second by default.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>True while a read is in flight.</summary>
    public bool IsLoading => !_inFlight.IsCompleted;

    /// <summary>Cancelled when the page closes: for the page's own reads that are not this helper's.</summary>
    public CancellationToken Closed => _disposed.Token;

    /// <summary>
    /// Reads now, cancelling an older read still in flight. Returns true when this read was applied, false when a newer
    /// one started meanwhile or the page closed (its result is dropped). A read's own failure reaches the caller.
    /// </summary>
    public Task<bool> ReloadAsync()
    {
        if (_disposed.IsCancellationRequested) return Task.FromResult(false);
        CancellationTokenSource mine;
        int version;
        Task<bool> read;
        lock (_gate)
        {
            version = ++_version;
            _current?.Cancel();
            _current = mine = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
            _inFlight = read = ReadAsync(version, mine);
        }
        return read;
    }

    async Task<bool> ReadAsync(int version, CancellationTokenSource mine)
    {
        try
        {
            T value = await _load(mine.Token);
            if (mine.IsCancellationRequested || version != Volatile.Read(ref _version)) return false;
            _apply(value);
            return true;
        }
        catch (OperationCanceledException) when (mine.IsCancellationRequested) { return false; }
        finally
        {
            lock (_gate) if (ReferenceEquals(_current, mine)) _current = null;
            mine.Dispose();
        }
    }

    /// <summary>
    /// Follows <paramref name="events"/>: each change that <paramref name="filter"/> accepts (all when null) goes to
    /// <paramref name="onChange"/> on the renderer, then the page renders. The publisher (a training thread) never waits
    /// for a browser, and a handler's failure never reaches it: the next change brings the page up to date.
    /// </summary>
    public LiveLoad<T> Follow(RunEvents events, Func<RunProgress, Task> onChange, Func<RunProgress, bool>? filter = null)
    {
        if (_events is not null) throw new InvalidOperationException("A page follows the run events once.");
        _events = events;
        _onChange = onChange;
        _filter = filter;
        events.Changed += OnChanged;
        return this;
    }

    /// <summary>Follows <paramref name="events"/> by reading again (debounced) after each change <paramref name="filter"/> accepts.</summary>
    public LiveLoad<T> Follow(RunEvents events, Func<RunProgress, bool>? filter = null) =>
        Follow(events, _ => { ReloadSoon(); return Task.CompletedTask; }, filter);

    Func<RunProgress, Task>? _onChange;
    Func<RunProgress, bool>? _filter;

    void OnChanged(RunProgress change)
    {
        if (_disposed.IsCancellationRequested || _filter?.Invoke(change) == false) return;
        _ = OnRendererAsync(async () =>
        {
            await _onChange!(change);
            _render();
        });
    }

    /// <summary>
    /// Reads again after <see cref="Debounce"/>; further calls before that read starts are absorbed into it (a burst of
    /// changes costs one read). Waits for a read in flight rather than cancelling it.
    /// </summary>
    public void ReloadSoon()
    {
        if (_disposed.IsCancellationRequested || Interlocked.Exchange(ref _soonQueued, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(Debounce, _disposed.Token);
                await BackgroundReloadAsync(() => Interlocked.Exchange(ref _soonQueued, 0));
            }
            catch (OperationCanceledException) { }
        });
    }

    /// <summary>Reads again every <paramref name="period"/> while the page is open, when <paramref name="when"/> (if any) says so.</summary>
    public LiveLoad<T> RefreshEvery(TimeSpan period, Func<CancellationToken, Task<bool>>? when = null)
    {
        if (period <= TimeSpan.Zero) return this;
        _ = Task.Run(async () =>
        {
            try
            {
                using var timer = new PeriodicTimer(period);
                while (await timer.WaitForNextTickAsync(_disposed.Token))
                {
                    bool due = true;
                    if (when is not null)
                    {
                        try { await _dispatch(async () => due = await when(_disposed.Token)); }
                        catch (Exception) when (!_disposed.IsCancellationRequested) { due = false; } // asked again next tick
                    }
                    if (due) await BackgroundReloadAsync(null);
                }
            }
            catch (OperationCanceledException) { }
            catch (ObjectDisposedException) { }
        });
        return this;
    }

    /// <summary>A read that no user asked for: after the one in flight, on the renderer, then a render.</summary>
    async Task BackgroundReloadAsync(Action? starting)
    {
        try { await _inFlight; } catch (Exception) { /* that read's caller saw its failure */ }
        await OnRendererAsync(async () =>
        {
            starting?.Invoke();
            if (await ReloadAsync()) _render();
        });
    }

    async Task OnRendererAsync(Func<Task> work)
    {
        // A renderer that is gone (the circuit closed) throws; so may a page's read. Neither may reach a publisher or
        // a timer: the next change or tick brings the page up to date.
        try { await _dispatch(() => _disposed.IsCancellationRequested ? Task.CompletedTask : work()); }
        catch (Exception) { }
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested) return;
        if (_events is { } events) events.Changed -= OnChanged;
        // Cancelled, not disposed: a queued read or timer may still look at the token.
        _disposed.Cancel();
    }
}
