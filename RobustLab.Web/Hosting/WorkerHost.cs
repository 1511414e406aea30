using Microsoft.Extensions.Logging.Console;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Hosting;

/// <summary>
/// The headless host of <c>robustlab worker</c>: the run store (migrated at start), the Hangfire storage, one job
/// server per queue and the recovery service, configured like <c>serve</c> (appsettings.json next to the binary,
/// environment variables such as Storage__Provider and Storage__ConnectionString). It stops on SIGTERM or Ctrl+C: a
/// running job stops at its next batch and the run resumes after its last finished epoch on the next worker.
/// </summary>
public static class WorkerHost
{
    /// <param name="queues">The queues to serve (replacing Workers:Queues), or null for the configured ones.</param>
    /// <param name="workers">Workers per queue, or null for the configured count (1 for a queue not configured).</param>
    /// <param name="settings">Further configuration (tests; later entries win over appsettings.json and the environment).</param>
    /// <param name="services">Registrations made before the run store's (tests put their own artifact store there).</param>
    public static IHost Build(IReadOnlyList<string>? queues = null, int? workers = null, IEnumerable<KeyValuePair<string, string?>>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Results go to stdout, logs to stderr (the CLI's convention).
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(QueueSettings(builder.Configuration, queues, workers));

        services?.Invoke(builder.Services);
        builder.AddDatasetCatalog();
        builder.AddRunStore();
        builder.AddJobEngine(JobEngineRole.Worker);
        return builder.Build();
    }

    /// <summary>Migrates the run store, then runs until <paramref name="ct"/> is cancelled or the process is told to stop.</summary>
    public static async Task RunAsync(IHost host, CancellationToken ct)
    {
        await host.Services.MigrateRunStoreAsync(ct);
        await host.RunAsync(ct);
    }

    /// <summary>Workers:Queues entries that make exactly <paramref name="queues"/> served, with <paramref name="workers"/> each.</summary>
    static Dictionary<string, string?> QueueSettings(IConfiguration configuration, IReadOnlyList<string>? queues, int? workers)
    {
        var section = configuration.GetSection($"{WorkerOptions.Section}:{nameof(WorkerOptions.Queues)}");
        var configured = section.GetChildren().ToDictionary(c => c.Key.ToLowerInvariant(), c => int.TryParse(c.Value, out int n) ? n : 0);
        var settings = new Dictionary<string, string?>();
        if (queues is null)
        {
            if (workers is int all)
                foreach (var queue in configured.Count > 0 ? configured.Keys.ToList() : [WorkerOptions.DefaultQueue])
                    settings[$"{section.Path}:{queue}"] = all.ToString();
            return settings;
        }
        foreach (var queue in configured.Keys) settings[$"{section.Path}:{queue}"] = "0";
        foreach (var queue in queues)
            settings[$"{section.Path}:{queue}"] = (workers ?? (configured.GetValueOrDefault(queue) is > 0 and var n ? n : 1)).ToString();
        return settings;
    }
}
