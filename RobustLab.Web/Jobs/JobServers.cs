using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Options;

namespace RobustLab.Web.Jobs;

/// <summary>
/// One Hangfire <see cref="BackgroundJobServer"/> per configured queue (Queues = [queue], WorkerCount = its count,
/// ServerName = machine:pid:queue, Hangfire's default timeouts), started with the host and stopped with it: on
/// SIGTERM or Ctrl+C a running job sees its cancellation token at the next batch and the run is taken up again later.
/// Jobs are activated from this host's container and filtered by its filter provider, never by Hangfire's process-wide
/// defaults, so several hosts in one process (tests) do not cross.
/// </summary>
public sealed class JobServers(
    IServiceProvider services, JobStorage storage, IOptions<WorkerOptions> workers, JobEngineProcess process, ILogger<JobServers> logger)
    : IHostedService, IDisposable
{
    readonly List<BackgroundJobServer> _servers = [];

    /// <summary>The queues this process serves with their worker counts; empty when it runs no workers.</summary>
    public IReadOnlyDictionary<string, int> Queues =>
        process.RunsWorkers(workers.Value) ? workers.Value.EffectiveQueues() : new Dictionary<string, int>();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (queue, count) in Queues)
        {
            var options = new BackgroundJobServerOptions
            {
                Queues = [queue],
                WorkerCount = count,
                ServerName = WorkerIdentity.ServerName(queue),
                Activator = services.GetRequiredService<JobActivator>(),
                FilterProvider = services.GetService<Hangfire.Common.IJobFilterProvider>(),
                TimeZoneResolver = services.GetService<ITimeZoneResolver>(),
            };
            var server = new BackgroundJobServer(options, storage, services.GetServices<IBackgroundProcess>());
            lock (_servers) _servers.Add(server);
            logger.LogInformation("Hangfire server {Server}: {Count} worker(s) on queue '{Queue}'.", options.ServerName, count, queue);
        }
        if (_servers.Count == 0) logger.LogInformation("No job workers in this process: runs are trained by 'robustlab worker' processes.");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A snapshot: the container may dispose this object (clearing the list) while a shutdown is still awaited.
        BackgroundJobServer[] servers;
        lock (_servers) servers = [.. _servers];
        foreach (var server in servers) server.SendStop();
        foreach (var server in servers)
        {
            try { await server.WaitForShutdownAsync(cancellationToken); }
            catch (OperationCanceledException) { logger.LogWarning("Hangfire server did not stop in time."); }
        }
    }

    public void Dispose()
    {
        BackgroundJobServer[] servers;
        lock (_servers) { servers = [.. _servers]; _servers.Clear(); }
        foreach (var server in servers) server.Dispose();
    }
}
