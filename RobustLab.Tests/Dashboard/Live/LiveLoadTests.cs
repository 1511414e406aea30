using System.Reflection;
using RobustLab.Web.Components.Live;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.Live;

/// <summary>
/// The pages' one helper for loads and live changes, without a renderer: "dispatch" runs the work at once (as a
/// component's InvokeAsync would, on its renderer) and "render" counts the renders it asked for.
/// </summary>
public sealed class LiveLoadTests
{
    readonly RunEvents _events = new();
    readonly List<string> _shown = [];
    int _renders;

    LiveLoad<string> Live(Func<CancellationToken, Task<string>> load, TimeSpan? debounce = null) =>
        new(load, value => { lock (_shown) _shown.Add(value); }, work => work(), () => Interlocked.Increment(ref _renders))
        {
            Debounce = debounce ?? TimeSpan.FromMilliseconds(200),
        };

    static RunProgress Change(RunStatus status = RunStatus.Succeeded, Guid? run = null) =>
        new(run ?? Guid.NewGuid(), status, 1, 1, 1, null, null, DateTimeOffset.UtcNow);

    static int Handlers(RunEvents events) =>
        (typeof(RunEvents).GetField(nameof(RunEvents.Changed), BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(events) as Delegate)
            ?.GetInvocationList().Length ?? 0;

    static async Task Eventually(Func<bool> condition, string what)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !condition(); await Task.Delay(20))
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
    }

    [Fact]
    public async Task The_newest_load_wins_when_an_older_one_lands_last_and_the_older_one_is_cancelled()
    {
        var slow = new TaskCompletionSource<string>();
        CancellationToken slowToken = default;
        int calls = 0;
        using var live = Live(ct =>
        {
            if (Interlocked.Increment(ref calls) == 1) { slowToken = ct; return slow.Task; } // ignores its token, as a slow store might
            return Task.FromResult("new choice");
        });

        var older = live.ReloadAsync();
        Assert.True(live.IsLoading);
        Assert.True(await live.ReloadAsync());
        Assert.True(slowToken.IsCancellationRequested); // no point finishing a read nobody will see

        slow.SetResult("old choice"); // lands last
        Assert.False(await older);
        Assert.Equal(["new choice"], _shown);
        Assert.False(live.IsLoading);
    }

    [Fact]
    public async Task A_burst_of_changes_costs_one_load_after_the_quiet_delay()
    {
        int loads = 0;
        using var live = Live(_ => Task.FromResult($"load {Interlocked.Increment(ref loads)}"))
            .Follow(_events, change => change.Status == RunStatus.Succeeded);

        for (int i = 0; i < 50; i++) _events.Publish(Change());
        _events.Publish(Change(RunStatus.Running)); // filtered out

        await Eventually(() => Volatile.Read(ref loads) == 1, "the burst was loaded once");
        await Task.Delay(600); // three debounce windows: no second load comes
        Assert.Equal(1, loads);
        Assert.Equal(["load 1"], _shown);
        Assert.True(_renders >= 1); // a background load asks the page to render

        _events.Publish(Change()); // a later change is a new burst
        await Eventually(() => Volatile.Read(ref loads) == 2, "the second burst was loaded");
    }

    [Fact]
    public async Task A_background_load_waits_for_the_one_in_flight_instead_of_cancelling_it()
    {
        var first = new TaskCompletionSource<string>();
        int calls = 0;
        using var live = Live(ct => Interlocked.Increment(ref calls) == 1 ? first.Task.WaitAsync(ct) : Task.FromResult("second"), TimeSpan.FromMilliseconds(50))
            .Follow(_events);
        var user = live.ReloadAsync();

        _events.Publish(Change());
        await Task.Delay(300);
        Assert.Equal(1, calls); // still waiting for the first

        first.SetResult("first");
        Assert.True(await user);
        await Eventually(() => { lock (_shown) return _shown.Count == 2; }, "the change was loaded after the first read");
        Assert.Equal(["first", "second"], _shown);
    }

    [Fact]
    public async Task Every_change_reaches_the_handler_in_order_and_only_those_the_filter_accepts()
    {
        var run = Guid.NewGuid();
        var seen = new List<int>();
        using var live = Live(_ => Task.FromResult("x"))
            .Follow(_events, change => { lock (seen) seen.Add(change.Epoch); return Task.CompletedTask; }, change => change.RunId == run);

        _events.Publish(Change(run: run) with { Epoch = 1 });
        _events.Publish(Change() with { Epoch = 99 }); // another run
        _events.Publish(Change(run: run) with { Epoch = 2 });

        await Eventually(() => { lock (seen) return seen.Count == 2; }, "both changes arrived");
        Assert.Equal([1, 2], seen);
        Assert.Equal(2, _renders);
    }

    [Fact]
    public async Task Disposing_unsubscribes_cancels_the_load_in_flight_and_drops_its_result()
    {
        int before = Handlers(_events);
        var slow = new TaskCompletionSource<string>();
        CancellationToken token = default;
        int loads = 0;
        var live = Live(ct => { Interlocked.Increment(ref loads); token = ct; return slow.Task; }).Follow(_events);
        Assert.Equal(before + 1, Handlers(_events));
        var pending = live.ReloadAsync();

        live.Dispose();

        Assert.Equal(before, Handlers(_events));
        Assert.True(token.IsCancellationRequested);
        slow.SetResult("too late");
        Assert.False(await pending);
        _events.Publish(Change()); // nobody left to load
        await Task.Delay(400);
        Assert.Equal(1, loads);
        Assert.Empty(_shown);
        Assert.False(await live.ReloadAsync());
    }

    [Fact]
    public async Task A_timer_reloads_while_its_condition_holds_and_stops_when_disposed()
    {
        int loads = 0;
        bool due = false;
        var live = Live(_ => Task.FromResult($"tick {Interlocked.Increment(ref loads)}"))
            .RefreshEvery(TimeSpan.FromMilliseconds(50), _ => Task.FromResult(Volatile.Read(ref due)));

        await Task.Delay(300);
        Assert.Equal(0, loads); // the condition said no

        Volatile.Write(ref due, true);
        await Eventually(() => Volatile.Read(ref loads) >= 2, "the timer reloaded");
        live.Dispose();
        int atDispose = Volatile.Read(ref loads);
        await Task.Delay(300);
        Assert.InRange(loads, atDispose, atDispose + 1); // at most the tick already under way
    }
}
