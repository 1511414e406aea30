using RobustLab.Tests.Artifacts;
using System.Reflection;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;
using RobustLab.Tests.Api;
using RobustLab.Tests.Loop;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.Runs;

/// <summary>
/// A bUnit context with what the runs pages inject: an in-memory run store, queues that record calls (runs and attack jobs), the progress
/// events singleton, MudBlazor's services and loose JS interop (MudBlazor's and Plotly's calls do nothing). Disposed
/// asynchronously: some MudBlazor services are only IAsyncDisposable.
/// </summary>
public abstract class RunsDashboardContext : IAsyncLifetime
{
    readonly TempFolder _folder = new();

    protected BunitContext Bunit { get; } = BunitWait.NewContext();
    protected IServiceCollection Services => Bunit.Services;
    protected string DataFolder => _folder.Path;

    protected FakeRunStore Store { get; }
    protected RecordingRunQueue Queue { get; }
    protected RecordingPostTrainingQueue AttackQueue { get; }
    protected RunEvents Events { get; } = new();

    protected RunsDashboardContext()
    {
        Store = new FakeRunStore(_folder.Path);
        Queue = new RecordingRunQueue(Store);
        AttackQueue = new RecordingPostTrainingQueue(Store);
        Bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddSingleton<IRunStore>(Store);
        Services.AddSingleton(MemoryArtifactStore.RunFolders(_folder.Path));
        Services.AddSingleton<IRunQueue>(Queue);
        Services.AddSingleton(Events);
        Services.AddSingleton<IPostTrainingQueue>(AttackQueue);
        Services.AddPostTrainingJobs();
        Services.AddSingleton(new DatasetCatalog(new DataLocations(_folder.Sub("datasets"))));
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
    }

    protected static TrainingOptions Tiny(TrainingMethod method = TrainingMethod.Regularizer, double sigma = 0.25, double alpha = 1, int epochs = 5) => new()
    {
        Dataset = "fashion-mnist", Model = "lenet", Method = method, Sigma = sigma, Alpha = alpha,
        Copies = method == TrainingMethod.Augmentation ? 4 : 0, Epochs = epochs, TrainSubset = 1000, TestSubset = 200,
    };

    protected RunEntity AddRun(Action<RunEntity>? change = null, TrainingOptions? options = null, DateTimeOffset? createdAt = null)
    {
        return Store.Add(options ?? Tiny(), run =>
        {
            if (createdAt is { } at) run.CreatedAt = at;
            change?.Invoke(run);
        });
    }

    protected IReadOnlyCollection<Snackbar> Snackbars => Bunit.Services.GetRequiredService<ISnackbar>().ShownSnackbars.ToList();

    protected IRenderedComponent<T> Render<T>(Action<ComponentParameterCollectionBuilder<T>>? parameters = null) where T : IComponent =>
        Bunit.Render(parameters);

    protected Task DisposeComponentsAsync() => Bunit.DisposeComponentsAsync();

    /// <summary>Handlers attached to <see cref="RunEvents.Changed"/> plus open channel subscriptions.</summary>
    protected static int Subscribers(RunEvents events)
    {
        var handlers = typeof(RunEvents).GetField(nameof(RunEvents.Changed), BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(events) as Delegate;
        var channels = (System.Collections.ICollection)typeof(RunEvents).GetField("_channels", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(events)!;
        return (handlers?.GetInvocationList().Length ?? 0) + channels.Count;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Bunit.DisposeAsync();
        _folder.Dispose();
    }
}
