using System.Threading.Channels;

namespace RobustLab.Web.Jobs;

/// <summary>
/// In-process progress notifications (a singleton). The training job publishes every status, progress and epoch change
/// of runs it executes here; <see cref="RemoteProgressPoller"/> publishes changes that remote workers wrote to the run
/// store. Subscribe with the <see cref="Changed"/> event (handlers run on the publisher's thread: keep them short) or
/// with <see cref="Subscribe"/> (a channel that drops the oldest changes when its reader falls behind).
/// </summary>
public sealed class RunEvents
{
    readonly object _gate = new();
    readonly List<Channel<RunProgress>> _channels = [];

    /// <summary>Raised for every change; an exception in a handler is swallowed so it cannot stop a run.</summary>
    public event Action<RunProgress>? Changed;

    public void Publish(RunProgress progress)
    {
        if (Changed is { } handlers)
            foreach (var handler in handlers.GetInvocationList().Cast<Action<RunProgress>>())
            {
                try { handler(progress); }
                catch (Exception) { /* a subscriber's bug must not fail the run */ }
            }
        lock (_gate)
            foreach (var channel in _channels) channel.Writer.TryWrite(progress);
    }

    /// <summary>Every change from now until <paramref name="ct"/> is cancelled, when the reader completes.</summary>
    public ChannelReader<RunProgress> Subscribe(CancellationToken ct, int capacity = 1024)
    {
        var channel = Channel.CreateBounded<RunProgress>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false,
        });
        lock (_gate) _channels.Add(channel);
        ct.Register(() =>
        {
            lock (_gate) _channels.Remove(channel);
            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }
}
