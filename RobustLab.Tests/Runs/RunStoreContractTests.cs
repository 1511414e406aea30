using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;
using static RobustLab.Tests.Runs.RunStoreHarness;

namespace RobustLab.Tests.Runs;

/// <summary>
/// What every run store must do, whatever keeps the runs: subclasses supply the store (a SQLite file, a PostgreSQL
/// cluster, the tests' in-memory <see cref="RobustLab.Tests.Api.FakeRunStore"/>), so a fake that the API and dashboard
/// tests rely on cannot drift from the real contract.
/// </summary>
public abstract class RunStoreContractTests : IAsyncLifetime
{
    static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    IRunStoreUnderTest? _harness;
    protected IRunStoreUnderTest H => _harness ?? throw new InvalidOperationException("not started");
    IRunStore Store => H.Store;

    protected abstract Task<IRunStoreUnderTest> StartAsync();
    public async Task InitializeAsync() => _harness = await StartAsync();
    public async Task DisposeAsync() { if (_harness is not null) await _harness.DisposeAsync(); }

    static EpochReport Report(int epoch, double loss = 0.5) => new(epoch, 2, loss, 0.8, 0.6, 0.7, 1e-3, 1.5, 1000, epoch == 1);

    [Fact]
    public async Task Created_run_is_queued_with_server_chosen_folder_queue_and_key()
    {
        var options = Tiny("regularizer", sigma: 0.5, alpha: 1, device: "cuda:1");
        var run = await Store.CreateRunAsync(options);

        Assert.Equal(7, run.Id.Version);
        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.Equal(2, run.Epochs);
        Assert.Equal("cuda1", run.Queue);
        Assert.Equal(RunConfigKey.For(options), run.ConfigKey);
        Assert.Equal(Path.Combine(Path.GetFullPath(H.DataFolder), "runs", run.Id.ToString("N")), run.RunDir);
        Assert.Equal(options, JsonSerializer.Deserialize<TrainingOptions>(run.ConfigJson, RunJson.Options));

        var read = await Store.GetRunAsync(run.Id);
        Assert.NotNull(read);
        Assert.Equal(TrainingMethod.Regularizer, read.Method);
        Assert.Equal(0.5, read.Sigma);
        Assert.Equal(H.Clock.Now, read.CreatedAt);
        Assert.Equal(H.Clock.Now, read.UpdatedAt);
        Assert.Null(await Store.GetRunAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task List_filters_by_every_field_newest_first_and_pages()
    {
        var a = await Store.CreateRunAsync(Tiny("baseline", dataset: "mnist10k"));
        H.Clock.Advance(TimeSpan.FromSeconds(1));
        var b = await Store.CreateRunAsync(Tiny("augmentation", sigma: 0.25, copies: 2, dataset: "fashion-mnist"));
        H.Clock.Advance(TimeSpan.FromSeconds(1));
        var c = await Store.CreateRunAsync(Tiny("regularizer", sigma: 0.25, alpha: 1, dataset: "fashion-mnist"));
        await Store.SetStatusAsync(c.Id, RunStatus.Running);

        Assert.Equal([c.Id, b.Id, a.Id], Ids(await Store.ListRunsAsync(new RunFilter())));
        Assert.Equal([c.Id, b.Id], Ids(await Store.ListRunsAsync(new RunFilter(Dataset: "fashion-mnist"))));
        Assert.Equal([b.Id], Ids(await Store.ListRunsAsync(new RunFilter(Method: TrainingMethod.Augmentation))));
        Assert.Equal([c.Id], Ids(await Store.ListRunsAsync(new RunFilter(Status: RunStatus.Running))));
        Assert.Equal([a.Id], Ids(await Store.ListRunsAsync(new RunFilter(Model: "lenet", Status: RunStatus.Queued, Dataset: "mnist10k"))));
        Assert.Empty(await Store.ListRunsAsync(new RunFilter(Model: "alexnet")));
        Assert.Equal([b.Id], Ids(await Store.ListRunsAsync(new RunFilter(Skip: 1, Take: 1))));
    }

    [Fact]
    public async Task Second_owner_cannot_take_a_live_lease_but_can_after_it_expires()
    {
        var run = await Store.CreateRunAsync(Tiny());
        Assert.True(await Store.TryAcquireLeaseAsync(run.Id, "worker-a", Lease));
        Assert.False(await Store.TryAcquireLeaseAsync(run.Id, "worker-b", Lease));
        Assert.True(await Store.TryAcquireLeaseAsync(run.Id, "worker-a", Lease)); // the holder may take it again

        H.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.True(await Store.TryAcquireLeaseAsync(run.Id, "worker-b", Lease));
        Assert.False(await Store.RenewLeaseAsync(run.Id, "worker-a", Lease)); // lost to worker-b
        Assert.True(await Store.RenewLeaseAsync(run.Id, "worker-b", Lease));

        var held = await Store.GetRunAsync(run.Id);
        Assert.Equal("worker-b", held!.LeaseOwner);
        Assert.Equal(H.Clock.Now + Lease, held.LeaseExpiresAt);

        await Store.ReleaseLeaseAsync(run.Id, "worker-a"); // not the owner: no effect
        Assert.Equal("worker-b", (await Store.GetRunAsync(run.Id))!.LeaseOwner);
        await Store.ReleaseLeaseAsync(run.Id, "worker-b");
        Assert.Null((await Store.GetRunAsync(run.Id))!.LeaseOwner);
        Assert.True(await Store.TryAcquireLeaseAsync(run.Id, "worker-c", Lease));
    }

    [Fact]
    public async Task Renewing_keeps_a_lease_alive_past_its_first_expiry()
    {
        var run = await Store.CreateRunAsync(Tiny());
        Assert.True(await Store.TryAcquireLeaseAsync(run.Id, "worker-a", Lease));
        H.Clock.Advance(Lease * 0.75);
        Assert.True(await Store.RenewLeaseAsync(run.Id, "worker-a", Lease));
        H.Clock.Advance(Lease * 0.75); // past the first expiry, within the renewed one
        Assert.False(await Store.TryAcquireLeaseAsync(run.Id, "worker-b", Lease));
    }

    [Fact]
    public async Task Concurrent_lease_attempts_from_eight_workers_have_exactly_one_winner()
    {
        for (int round = 0; round < 5; round++)
        {
            var run = await Store.CreateRunAsync(Tiny(seed: round));
            using var gate = new ManualResetEventSlim();
            var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            {
                gate.Wait();
                return await Store.TryAcquireLeaseAsync(run.Id, $"worker-{i}", Lease);
            })).ToArray();
            gate.Set();
            var won = await Task.WhenAll(attempts);
            Assert.Equal(1, won.Count(w => w));
            var owner = (await Store.GetRunAsync(run.Id))!.LeaseOwner;
            Assert.Equal($"worker-{Array.IndexOf(won, true)}", owner);
        }
    }

    [Fact]
    public async Task Recording_an_epoch_twice_keeps_one_row_and_the_first_values()
    {
        var run = await Store.CreateRunAsync(Tiny());
        await Store.RecordEpochAsync(run.Id, Report(1, loss: 0.5));
        await Store.RecordEpochAsync(run.Id, Report(1, loss: 9.0));
        await Store.RecordEpochAsync(run.Id, Report(2));
        await Store.RecordEpochAsync(run.Id, Report(1)); // a late duplicate does not move the epoch back

        var read = await Store.GetRunAsync(run.Id, withEpochs: true);
        Assert.Equal([1, 2], read!.EpochReports.Select(e => e.Epoch));
        Assert.Equal(0.5, read.EpochReports[0].TrainLoss);
        Assert.True(read.EpochReports[0].IsBest);
        Assert.Equal(2, read.Epoch);
    }

    [Fact]
    public async Task Concurrent_reports_of_the_same_epoch_leave_one_row()
    {
        var run = await Store.CreateRunAsync(Tiny());
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Store.RecordEpochAsync(run.Id, Report(1)))));
        Assert.Single((await Store.GetRunAsync(run.Id, withEpochs: true))!.EpochReports);
    }

    [Fact]
    public async Task A_diverged_epoch_with_nan_loss_is_stored_and_read_back_as_nan()
    {
        var run = await Store.CreateRunAsync(Tiny());
        await Store.RecordEpochAsync(run.Id, Report(1, loss: double.NaN) with { ValidationLoss = double.PositiveInfinity });
        var epoch = (await Store.GetRunAsync(run.Id, withEpochs: true))!.EpochReports.Single();
        Assert.True(double.IsNaN(epoch.TrainLoss));
        Assert.True(double.IsNaN(epoch.ValidationLoss) || double.IsPositiveInfinity(epoch.ValidationLoss));
    }

    [Fact]
    public async Task Cancel_stops_a_queued_run_at_once_and_asks_a_running_one_to_stop()
    {
        var queued = await Store.CreateRunAsync(Tiny(seed: 1));
        Assert.True(await Store.RequestCancelAsync(queued.Id));
        var q = await Store.GetRunAsync(queued.Id);
        Assert.Equal(RunStatus.Cancelled, q!.Status);
        Assert.Equal(H.Clock.Now, q.FinishedAt);
        Assert.True(await Store.IsCancelRequestedAsync(queued.Id));

        var running = await Store.CreateRunAsync(Tiny(seed: 2));
        await Store.SetStatusAsync(running.Id, RunStatus.Running);
        Assert.False(await Store.IsCancelRequestedAsync(running.Id));
        Assert.True(await Store.RequestCancelAsync(running.Id));
        var r = await Store.GetRunAsync(running.Id);
        Assert.Equal(RunStatus.Running, r!.Status);
        Assert.True(r.CancelRequested);
        Assert.True(await Store.IsCancelRequestedAsync(running.Id));

        var done = await Store.CreateRunAsync(Tiny(seed: 3));
        await Store.SetStatusAsync(done.Id, RunStatus.Succeeded);
        Assert.True(await Store.RequestCancelAsync(done.Id));
        Assert.Equal(RunStatus.Succeeded, (await Store.GetRunAsync(done.Id))!.Status);

        Assert.False(await Store.RequestCancelAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task A_worker_cannot_bring_a_cancelled_run_back_to_running()
    {
        var run = await Store.CreateRunAsync(Tiny());
        Assert.True(await Store.TryAcquireLeaseAsync(run.Id, "worker-a", Lease));
        await Store.RequestCancelAsync(run.Id); // the user was faster than the worker's SetStatus(Running)
        await Store.SetStatusAsync(run.Id, RunStatus.Running);
        Assert.Equal(RunStatus.Cancelled, (await Store.GetRunAsync(run.Id))!.Status);
        Assert.True(await Store.IsCancelRequestedAsync(run.Id));
    }

    [Fact]
    public async Task Status_changes_stamp_start_finish_and_error()
    {
        var run = await Store.CreateRunAsync(Tiny());
        H.Clock.Advance(TimeSpan.FromSeconds(5));
        var started = H.Clock.Now;
        await Store.SetStatusAsync(run.Id, RunStatus.Running);
        H.Clock.Advance(TimeSpan.FromSeconds(5));
        await Store.SetStatusAsync(run.Id, RunStatus.Evaluating);
        H.Clock.Advance(TimeSpan.FromSeconds(5));
        await Store.SetStatusAsync(run.Id, RunStatus.Failed, "out of memory");

        var read = await Store.GetRunAsync(run.Id);
        Assert.Equal(RunStatus.Failed, read!.Status);
        Assert.Equal(started, read.StartedAt);
        Assert.Equal(H.Clock.Now, read.FinishedAt);
        Assert.Equal("out of memory", read.Error);
    }

    [Fact]
    public async Task Retry_requeues_only_failed_or_cancelled_runs_and_clears_their_state()
    {
        var run = await Store.CreateRunAsync(Tiny());
        Assert.Null(await Store.ResetForRetryAsync(run.Id)); // queued: nothing to retry
        Assert.True(await Store.TryAcquireLeaseAsync(run.Id, "worker-a", Lease));
        await Store.SetStatusAsync(run.Id, RunStatus.Running);
        await Store.RecordEpochAsync(run.Id, Report(1));
        Assert.Null(await Store.ResetForRetryAsync(run.Id)); // running
        await Store.SetStatusAsync(run.Id, RunStatus.Failed, "boom");

        var retried = await Store.ResetForRetryAsync(run.Id);
        Assert.NotNull(retried);
        Assert.Equal(RunStatus.Queued, retried.Status);
        Assert.Null(retried.Error);
        Assert.Null(retried.LeaseOwner);
        Assert.Null(retried.LeaseExpiresAt);
        Assert.Null(retried.FinishedAt);
        Assert.False(retried.CancelRequested);
        Assert.Equal(0, retried.EpochProgress);
        Assert.Equal(1, retried.Attempts);
        Assert.Equal(1, retried.Epoch); // finished epochs stay: the worker resumes after them

        await Store.RequestCancelAsync(run.Id);
        Assert.Equal(2, (await Store.ResetForRetryAsync(run.Id))!.Attempts);
        await Store.SetStatusAsync(run.Id, RunStatus.Succeeded);
        Assert.Null(await Store.ResetForRetryAsync(run.Id));
        Assert.Null(await Store.ResetForRetryAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Delete_refuses_a_run_held_by_a_live_worker_and_removes_its_epochs_otherwise()
    {
        var run = await Store.CreateRunAsync(Tiny());
        Assert.True(await Store.TryAcquireLeaseAsync(run.Id, "worker-a", Lease));
        await Store.SetStatusAsync(run.Id, RunStatus.Running);
        await Store.RecordEpochAsync(run.Id, Report(1));
        Assert.False(await Store.DeleteRunAsync(run.Id));

        H.Clock.Advance(Lease + TimeSpan.FromSeconds(1)); // the worker died
        Assert.True(await Store.DeleteRunAsync(run.Id));
        Assert.Null(await Store.GetRunAsync(run.Id));
        Assert.False(await Store.DeleteRunAsync(run.Id));

        var queued = await Store.CreateRunAsync(Tiny(seed: 1));
        Assert.True(await Store.DeleteRunAsync(queued.Id));
    }

    [Fact]
    public async Task Delete_refuses_a_succeeded_run_while_a_worker_holds_it_to_attack_it()
    {
        var run = await Store.CreateRunAsync(Tiny());
        await Store.SetStatusAsync(run.Id, RunStatus.Succeeded);
        Assert.True(await Store.TryAcquireLeaseAsync(run.Id, "attacker", Lease)); // AttackRunJob holds the lease while it attacks
        Assert.False(await Store.DeleteRunAsync(run.Id));

        await Store.ReleaseLeaseAsync(run.Id, "attacker");
        Assert.True(await Store.DeleteRunAsync(run.Id));
    }

    [Fact]
    public async Task Abandoned_runs_are_running_or_evaluating_with_an_expired_or_missing_lease()
    {
        var live = await Store.CreateRunAsync(Tiny(seed: 1));
        var dead = await Store.CreateRunAsync(Tiny(seed: 2));
        var noLease = await Store.CreateRunAsync(Tiny(seed: 3));
        var evaluating = await Store.CreateRunAsync(Tiny(seed: 4));
        var queued = await Store.CreateRunAsync(Tiny(seed: 5));
        var finished = await Store.CreateRunAsync(Tiny(seed: 6));

        await Store.TryAcquireLeaseAsync(dead.Id, "w1", TimeSpan.FromSeconds(30));
        await Store.TryAcquireLeaseAsync(evaluating.Id, "w2", TimeSpan.FromSeconds(30));
        await Store.TryAcquireLeaseAsync(finished.Id, "w3", TimeSpan.FromSeconds(30));
        await Store.TryAcquireLeaseAsync(live.Id, "w4", TimeSpan.FromMinutes(10));
        foreach (var r in new[] { live, dead, noLease, evaluating, finished }) await Store.SetStatusAsync(r.Id, RunStatus.Running);
        await Store.SetStatusAsync(evaluating.Id, RunStatus.Evaluating);
        await Store.SetStatusAsync(finished.Id, RunStatus.Succeeded);

        Assert.Equal([noLease.Id], Ids(await Store.FindAbandonedAsync(H.Clock.Now)));
        var later = H.Clock.Now + TimeSpan.FromMinutes(1);
        Assert.Equal(new[] { dead.Id, noLease.Id, evaluating.Id }.Order(), Ids(await Store.FindAbandonedAsync(later)).Order());
        _ = queued;
    }

    [Fact]
    public async Task ChangedSince_returns_runs_touched_after_the_instant()
    {
        var a = await Store.CreateRunAsync(Tiny(seed: 1));
        var b = await Store.CreateRunAsync(Tiny(seed: 2));
        var mark = H.Clock.Now;
        Assert.Empty(await Store.ChangedSinceAsync(mark));

        H.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await Store.UpdateProgressAsync(b.Id, 1, 2, 0.5, 12);
        var changed = await Store.ChangedSinceAsync(mark);
        Assert.Equal([b.Id], Ids(changed));
        Assert.Equal(0.5, changed[0].EpochProgress);
        Assert.Equal(12, changed[0].EtaSeconds);

        H.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await Store.SetJobIdAsync(a.Id, "42");
        Assert.Equal([b.Id, a.Id], Ids(await Store.ChangedSinceAsync(mark)));
        Assert.Equal("42", (await Store.GetRunAsync(a.Id))!.JobId);
    }

    [Fact]
    public async Task Metrics_are_stored_as_columns_and_whole_json()
    {
        var run = await Store.CreateRunAsync(Tiny());
        var metrics = new EvaluationResult(0.91, 50, 0.8, 0.75, [new GnrPoint(0, 1), new GnrPoint(0.5, 0.6)], 0.88, 0.02, 0.25, 10, 100, 0);
        await Store.SetMetricsAsync(run.Id, metrics);
        var read = await Store.GetRunAsync(run.Id);
        Assert.Equal(0.91, read!.TestAccuracy);
        Assert.Equal(0.8, read.Gnr);
        Assert.Equal(0.75, read.GnrMean);
        Assert.Equal(0.88, read.MomentAccuracy);
        Assert.Equal(0.02, read.MomentGap);
        var back = JsonSerializer.Deserialize<EvaluationResult>(read.MetricsJson!, RunJson.Options)!;
        Assert.Equal(metrics.GnrCurve, back.GnrCurve);
    }

    [Fact]
    public async Task Sweep_reuses_a_succeeded_run_with_the_same_configuration_and_creates_the_rest()
    {
        var request = new SweepRequest
        {
            Dataset = "mnist10k", Model = "lenet", Methods = ["baseline", "regularizer"], Sigma = [0.25, 0.5], Alpha = [1],
            Epochs = 2, TrainSubset = 100, TestSubset = 50, Device = "cpu",
        };
        var earlier = await Store.CreateRunAsync(Tiny("regularizer", sigma: 0.5, alpha: 1, device: "cuda")); // device differs: same result
        await Store.SetStatusAsync(earlier.Id, RunStatus.Succeeded);
        var failed = await Store.CreateRunAsync(Tiny("baseline"));
        await Store.SetStatusAsync(failed.Id, RunStatus.Failed, "x"); // only succeeded runs are reused

        var sweeps = new SweepSubmitter(Store);
        var submitted = await sweeps.SubmitAsync(request);

        Assert.Equal([earlier.Id], Ids(submitted.ReusedRuns));
        Assert.Equal(2, submitted.NewRuns.Count); // baseline, regularizer sigma 0.25
        Assert.All(submitted.NewRuns, r => Assert.Equal(submitted.Sweep.Id, r.SweepId));
        Assert.All(submitted.NewRuns, r => Assert.Equal(RunStatus.Queued, r.Status));
        var sweep = await Store.GetSweepAsync(submitted.Sweep.Id);
        Assert.Equal([earlier.Id], sweep!.ReusedRunIds);
        Assert.Equal("mnist10k", sweep.Dataset);

        var listed = await Store.ListRunsAsync(new RunFilter(SweepId: sweep.Id));
        Assert.Equal(submitted.NewRuns.Select(r => r.Id).Append(earlier.Id).Order(), Ids(listed).Order());

        var again = await sweeps.SubmitAsync(request); // nothing succeeded since: the queued ones are created again
        Assert.Equal(2, again.NewRuns.Count);
    }

    protected static List<Guid> Ids(IEnumerable<RunEntity> runs) => runs.Select(r => r.Id).ToList();
}

/// <summary>The contract on EF Core (<see cref="EfRunStore"/>), plus what only a database shows: its rows and migrations.</summary>
public abstract class EfRunStoreContractTests : RunStoreContractTests
{
    protected RunStoreHarness Ef => (RunStoreHarness)H;

    [Fact]
    public async Task Deleting_a_run_deletes_its_epoch_rows()
    {
        var run = await Ef.Store.CreateRunAsync(Tiny());
        await Ef.Store.RecordEpochAsync(run.Id, new EpochReport(1, 2, 0.5, 0.8, 0.6, 0.7, 1e-3, 1.5, 1000, true));
        Assert.True(await Ef.Store.DeleteRunAsync(run.Id));
        await using var db = await Ef.Contexts.CreateDbContextAsync();
        Assert.Equal(0, await db.Epochs.CountAsync(e => e.RunId == run.Id));
    }

    [Fact]
    public async Task A_sweep_over_every_model_keeps_them_all_in_the_sweeps_model_column()
    {
        // The models share one column (no schema change for the model axis): all of them joined must fit it.
        await using (var db = await Ef.Contexts.CreateDbContextAsync())
        {
            int? max = db.Model.FindEntityType(typeof(SweepEntity))!.FindProperty(nameof(SweepEntity.Model))!.GetMaxLength();
            string all = SweepEntity.JoinModels(RobustLab.Training.Models.ModelFactory.Architectures);
            Assert.True(max is null || all.Length <= max, $"'{all}' ({all.Length} characters) does not fit Sweeps.Model ({max}).");
        }

        var submitted = await new SweepSubmitter(Ef.Store).SubmitAsync(new SweepRequest
        {
            Dataset = "mnist10k", Models = RobustLab.Training.Models.ModelFactory.Architectures, Methods = ["baseline"],
            Epochs = 1, TrainSubset = 100, TestSubset = 50,
        });

        var sweep = await Ef.Store.GetSweepAsync(submitted.Sweep.Id);
        Assert.Equal(RobustLab.Training.Models.ModelFactory.Architectures, sweep!.Models);
        Assert.Equal(RobustLab.Training.Models.ModelFactory.Architectures, submitted.NewRuns.Select(r => r.Model));
    }

    [Fact]
    public async Task Migrations_leave_no_pending_model_changes()
    {
        await using var db = await Ef.Contexts.CreateDbContextAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges());
    }

}

/// <summary>The contract on the embedded default: a SQLite file in a temp data folder.</summary>
public sealed class SqliteRunStoreTests : EfRunStoreContractTests
{
    protected override async Task<IRunStoreUnderTest> StartAsync() => await RunStoreHarness.StartAsync();

    [Fact]
    public async Task The_database_file_lives_in_the_data_folder_in_wal_mode()
    {
        Assert.True(File.Exists(Path.Combine(H.DataFolder, RunStoreSetup.SqliteFileName)));
        await using var db = await Ef.Contexts.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Two_stores_on_the_same_file_see_one_lease()
    {
        // Two service providers (two connection pools), like two processes on one file.
        var storage = new StorageOptions { DataFolder = H.DataFolder };
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(H.Clock);
        services.AddRunStore(storage);
        await using var other = services.BuildServiceProvider();
        var otherStore = other.GetRequiredService<IRunStore>();

        var run = await H.Store.CreateRunAsync(Tiny());
        var results = await Task.WhenAll(
            Task.Run(() => H.Store.TryAcquireLeaseAsync(run.Id, "process-1", TimeSpan.FromHours(1))),
            Task.Run(() => otherStore.TryAcquireLeaseAsync(run.Id, "process-2", TimeSpan.FromHours(1))));
        Assert.Equal(1, results.Count(r => r));
    }
}

/// <summary>
/// The same contract on the tests' in-memory store, which the API and dashboard tests use in place of the database: it
/// must refuse, allow and stamp exactly what <see cref="EfRunStore"/> does.
/// </summary>
public sealed class FakeRunStoreContractTests : RunStoreContractTests
{
    protected override Task<IRunStoreUnderTest> StartAsync() => Task.FromResult<IRunStoreUnderTest>(new FakeRunStoreUnderTest());

    sealed class FakeRunStoreUnderTest : IRunStoreUnderTest
    {
        readonly RobustLab.Tests.Loop.TempFolder _folder = new();
        public FakeRunStoreUnderTest() => Store = new RobustLab.Tests.Api.FakeRunStore(_folder.Path, Clock);
        public IRunStore Store { get; }
        public ManualClock Clock { get; } = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        public string DataFolder => _folder.Path;
        public ValueTask DisposeAsync() { _folder.Dispose(); return ValueTask.CompletedTask; }
    }
}
