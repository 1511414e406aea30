using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Logging;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// Composition of the job engine: <c>builder.AddJobEngine(role)</c> binds "Workers" and "Runs", creates the Hangfire
/// storage from the "Storage" switch (the run store's), registers <see cref="IRunQueue"/>, <see cref="TrainRunJob"/>,
/// <see cref="IPostTrainingQueue"/> and the jobs after training (<see cref="AddPostTrainingJobs"/>),
/// <see cref="RunEvents"/> and <see cref="RunCancellation"/>, and the hosted services: the job servers and
/// <see cref="RunRecoveryService"/> where this process runs workers, <see cref="RemoteProgressPoller"/> in serve.
/// Needs a registered <see cref="StorageOptions"/> and <see cref="IRunStore"/> (see Hosting's AddRunStore).
/// </summary>
public static class JobEngineSetup
{
    public static IHostApplicationBuilder AddJobEngine(this IHostApplicationBuilder builder, JobEngineRole role = JobEngineRole.Serve)
    {
        var services = builder.Services;
        services.AddOptions<WorkerOptions>().Bind(builder.Configuration.GetSection(WorkerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerOptions>>(new ListValidator<WorkerOptions>(o => o.Validate()));
        services.AddOptions<RunExecutionOptions>().Bind(builder.Configuration.GetSection(RunExecutionOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RunExecutionOptions>>(new ListValidator<RunExecutionOptions>(o => o.Validate()));
        services.AddSingleton(new JobEngineProcess(role));

        services.TryAddSingleton<RunEvents>();
        services.TryAddSingleton<RunCancellation>();
        services.TryAddSingleton(TimeProvider.System);

        // This host's own storage and activator, registered before AddHangfire so that its process-wide defaults
        // (JobStorage.Current, JobActivator.Current) are never used.
        services.AddSingleton<JobStorage>(sp =>
        {
            // Resolving the configuration first installs this host's log provider before any Hangfire component
            // asks the process-wide one for a logger (it may belong to a host that was already disposed).
            sp.GetRequiredService<IGlobalConfiguration>();
            return HangfireStorageFactory.Create(sp.GetRequiredService<StorageOptions>(), sp.GetRequiredService<IOptions<WorkerOptions>>().Value);
        });
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new SafeHangfireLogProvider(sp.GetRequiredService<ILoggerFactory>())));

        services.AddScoped<LeasedRunJob>();
        services.AddScoped<TrainRunJob>();
        services.AddSingleton<IRunQueue, HangfireRunQueue>();
        services.AddSingleton<IPostTrainingQueue, HangfirePostTrainingQueue>();
        services.AddPostTrainingJobs();

        services.AddSingleton<JobServers>();
        services.AddHostedService(sp => sp.GetRequiredService<JobServers>());
        services.AddSingleton<RunRecoveryService>();
        services.AddHostedService(sp => new WorkersOnly(sp.GetRequiredService<RunRecoveryService>(), sp.GetRequiredService<JobEngineProcess>(), sp.GetRequiredService<IOptions<WorkerOptions>>()));
        if (role == JobEngineRole.Serve)
        {
            services.AddSingleton<RemoteProgressPoller>();
            services.AddHostedService(sp => sp.GetRequiredService<RemoteProgressPoller>());
        }
        return builder;
    }

    /// <summary>Options validation that reports every problem the options' own Validate() finds.</summary>
    sealed class ListValidator<T>(Func<T, IReadOnlyList<string>> validate) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            validate(options) is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }

    /// <summary>Starts a hosted service only in a process that runs workers.</summary>
    sealed class WorkersOnly(IHostedService inner, JobEngineProcess process, IOptions<WorkerOptions> workers) : IHostedService
    {
        bool _started;

        public Task StartAsync(CancellationToken ct)
        {
            _started = process.RunsWorkers(workers.Value);
            return _started ? inner.StartAsync(ct) : Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct) => _started ? inner.StopAsync(ct) : Task.CompletedTask;
    }

    /// <summary>The jobs after training and their submitters (the queue is registered apart: tests record instead).</summary>
    public static IServiceCollection AddPostTrainingJobs(this IServiceCollection services)
    {
        services.AddScoped<AttackRunJob>();
        services.AddScoped<CertifyRunJob>();
        services.AddScoped<CorruptRunJob>();
        services.AddSingleton<PostTrainingSubmitter>();
        services.AddSingleton<AfterTrainingChain>();
        services.AddSingleton<AttackSubmitter>();
        services.AddSingleton<CertifySubmitter>();
        services.AddSingleton<CorruptSubmitter>();
        return services;
    }
}
