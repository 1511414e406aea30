using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using RobustLab.Tests.Api;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Web.Components.Pages;
using RobustLab.Web.Components.RunForm;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.RunForm;

/// <summary>
/// A bUnit context for the "New run / sweep" page over an in-memory run store and a recording queue, with the real
/// <see cref="SweepSubmitter"/> and a data set catalogue over an empty folder (no data set found: a remote worker may have them).
/// </summary>
public sealed class RunFormContext : IAsyncDisposable
{
    public BunitContext Bunit { get; } = BunitWait.NewContext();
    public FakeRunStore Store { get; }
    public RecordingRunQueue Queue { get; }
    readonly string _folder = Directory.CreateTempSubdirectory("robustlab-runform-").FullName;

    public RunFormContext(IRunQueue? queue = null)
    {
        Store = new FakeRunStore(_folder);
        Queue = new RecordingRunQueue(Store);
        Bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        Bunit.Services.AddMudServices();
        Bunit.Services.AddSingleton<IRunStore>(Store);
        Bunit.Services.AddSingleton(queue ?? Queue);
        Bunit.Services.AddSingleton<SweepSubmitter>();
        Bunit.Services.AddSingleton(new DatasetCatalog(new DataLocations(Path.Combine(_folder, "data"))));
        Bunit.Services.AddSingleton(Options.Create(new RunExecutionOptions()));
        Bunit.Services.AddRunFormServices();
    }

    /// <summary>The page, after a popover provider (MudSelect needs one).</summary>
    public IRenderedComponent<NewRun> RenderPage()
    {
        Bunit.Render<MudPopoverProvider>();
        return Bunit.Render<NewRun>();
    }

    public ISnackbar Snackbar => Bunit.Services.GetRequiredService<ISnackbar>();
    public string NavigatedTo => Bunit.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri;

    /// <summary>A succeeded run with <paramref name="epochs"/> epoch reports at <paramref name="imagesPerSecond"/>.</summary>
    public RunEntity AddSucceeded(TrainingOptions options, double imagesPerSecond, int epochs = 3) =>
        Store.Add(options, run =>
        {
            FakeRunStore.Succeed(run);
            run.EpochReports = Enumerable.Range(1, epochs).Select(e => new EpochEntity
            {
                RunId = run.Id, Epoch = e, ImagesPerSecond = imagesPerSecond, Seconds = 1, RecordedAt = DateTimeOffset.UtcNow,
            }).ToList();
        });

    /// <summary>The default form's regularizer run (fashion-mnist, lenet, sigma 0.25, alpha 1, 3 epochs on 5000 images).</summary>
    public static TrainingOptions DefaultRegularizer => new()
    {
        Dataset = "fashion-mnist", Model = "lenet", Method = TrainingMethod.Regularizer, Sigma = 0.25, Alpha = 1, Epochs = 3,
        TrainSubset = 5000, TestSubset = 1000, BatchSize = 100, LearningRate = 0.001, Seed = 0, Device = "cpu",
    };

    // MudBlazor's services are only IAsyncDisposable.
    public async ValueTask DisposeAsync()
    {
        await Bunit.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A queue that is down: every enqueue throws, as Hangfire does when its storage is unreachable.</summary>
public sealed class BrokenRunQueue : IRunQueue
{
    public Task<string> EnqueueAsync(RunEntity run, CancellationToken ct = default) => throw new InvalidOperationException("the job storage is unreachable");
    public Task<bool> CancelAsync(Guid runId, CancellationToken ct = default) => Task.FromResult(false);
    public Task<RunEntity?> RetryAsync(Guid runId, CancellationToken ct = default) => Task.FromResult<RunEntity?>(null);
    public Task<bool> RemoveJobAsync(RunEntity run, CancellationToken ct = default) => throw new InvalidOperationException("the job storage is unreachable");
}
