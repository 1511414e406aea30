using RobustLab.Training.Runtime;

namespace RobustLab.Web.Jobs;

/// <summary>How a job kind takes a run's lease (<see cref="LeasedRunJob"/>).</summary>
/// <param name="WaitForLease">How long to wait for a lease another worker holds; zero gives up at once.</param>
/// <param name="WatchStoreCancel">
/// Whether a cancel written to the run store stops the work. Training: yes. Jobs on a finished run: no, because a cancel
/// that raced the run's success can leave the flag set on a succeeded run, where it must not stop later jobs; a cancel
/// in this process (<see cref="RunCancellation"/>) stops them all.
/// </param>
public sealed record LeaseMode(TimeSpan WaitForLease, bool WatchStoreCancel)
{
    /// <summary>Training: another worker's lease means that worker trains it; a cancel in the store stops it.</summary>
    public static LeaseMode Training { get; } = new(TimeSpan.Zero, WatchStoreCancel: true);

    /// <summary>
    /// A job on a succeeded run (attacks; certification and corruptions to come): the training job releases the lease
    /// just after the run turns Succeeded, so a job queued at once may find it still held for a moment.
    /// </summary>
    public static LeaseMode AfterTraining { get; } = new(TimeSpan.FromSeconds(5), WatchStoreCancel: false);
}

/// <summary>How a leased job's work ended.</summary>
public enum LeasedRunEnd
{
    /// <summary>The work returned.</summary>
    Completed,
    /// <summary>Another worker holds the run; the work never started.</summary>
    NotAcquired,
    /// <summary>A user cancelled the run (through this process or, when the mode watches it, the run store).</summary>
    Cancelled,
    /// <summary>The lease could not be renewed: another worker may hold the run now.</summary>
    LeaseLost,
    /// <summary>This worker is stopping; Hangfire delivers the job again.</summary>
    WorkerStopping,
    /// <summary>The work threw; <see cref="LeasedRunOutcome.Error"/> holds the first line of its message.</summary>
    Failed,
}

/// <summary>How a leased job ended and, when it failed, why (one line, as the run log and the store keep it).</summary>
public sealed record LeasedRunOutcome(LeasedRunEnd End, string? Error = null, Exception? Exception = null);

/// <summary>What the work of a leased job gets: the run, a token that stops it, and the run store behind the job's gate.</summary>
public sealed class LeasedRun(Guid runId, string owner, StoreGate store, CancellationToken token)
{
    public Guid RunId { get; } = runId;
    /// <summary>This attempt's lease owner (machine, process, attempt).</summary>
    public string Owner { get; } = owner;
    /// <summary>Every store call the job makes while it holds the lease: the heartbeat shares this gate.</summary>
    public StoreGate Store { get; } = store;
    /// <summary>Cancelled by a user's cancel, a lost lease or the worker stopping.</summary>
    public CancellationToken Token { get; } = token;

    /// <summary>
    /// Runs blocking work (training, attacks: minutes to hours) on a dedicated thread, not one of the thread pool's,
    /// with <see cref="Token"/>. When it ends, however it ends, the process gives back what the work's data and tensors
    /// used (<see cref="ProcessMemory.Release"/>), before the job records anything: a long-lived worker stays flat over a
    /// sweep, and whoever sees a run end sees that memory already returned.
    /// </summary>
    public Task<T> OnOwnThread<T>(Func<CancellationToken, T> work) =>
        Task.Factory.StartNew(() =>
        {
            try { return work(Token); }
            finally { ProcessMemory.Release(); }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
