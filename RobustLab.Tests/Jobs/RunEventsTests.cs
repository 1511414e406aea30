using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Jobs;

public class RunEventsTests
{
    static RunProgress Progress(Guid id, int epoch) => new(id, RunStatus.Running, epoch, 5, 0.5, 10, null, DateTimeOffset.UtcNow);

    [Fact]
    public async Task Subscribers_get_every_change_until_they_unsubscribe()
    {
        var events = new RunEvents();
        using var stop = new CancellationTokenSource();
        var reader = events.Subscribe(stop.Token);
        var fromEvent = new List<int>();
        events.Changed += p => fromEvent.Add(p.Epoch);
        events.Changed += _ => throw new InvalidOperationException("a broken subscriber");

        var id = Guid.NewGuid();
        events.Publish(Progress(id, 1));
        events.Publish(Progress(id, 2));
        stop.Cancel();
        events.Publish(Progress(id, 3));

        var fromChannel = new List<int>();
        await foreach (var p in reader.ReadAllAsync()) fromChannel.Add(p.Epoch);
        Assert.Equal([1, 2], fromChannel);
        Assert.Equal([1, 2, 3], fromEvent);
    }

    [Fact]
    public async Task Remote_poller_publishes_each_change_another_process_wrote_once()
    {
        await using var lab = await JobEngineHost.StartAsync(new Dictionary<string, string?> { ["Workers:Queues:cpu"] = "0" }, workers: 0);
        var poller = new RemoteProgressPoller(lab.Services.GetRequiredService<IServiceScopeFactory>(), lab.Events,
            lab.Services.GetRequiredService<RunCancellation>(), lab.Services.GetRequiredService<IOptions<RunExecutionOptions>>(),
            NullLogger<RemoteProgressPoller>.Instance);
        var seen = new List<RunProgress>();
        lab.Events.Changed += seen.Add;

        var run = await lab.Store.CreateRunAsync(JobEngineHost.TinyRun);
        await lab.Store.UpdateProgressAsync(run.Id, 1, 2, 0.25, 42); // as a remote worker would
        await poller.PollAsync();
        await poller.PollAsync(); // nothing new

        var change = Assert.Single(seen, p => p.RunId == run.Id);
        Assert.Equal((1, 2, 0.25, 42.0), (change.Epoch, change.Epochs, change.EpochProgress, change.EtaSeconds!.Value));

        await lab.Store.UpdateProgressAsync(run.Id, 1, 2, 0.75, 20);
        await poller.PollAsync();
        Assert.Equal([0.25, 0.75], seen.Where(p => p.RunId == run.Id).Select(p => p.EpochProgress));
    }
}
