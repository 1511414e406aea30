using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using RobustLab.Training.Attacks;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The attack queue on Hangfire. "An attack job is in progress" needs no column of its own: the job's id goes into the
/// run's <see cref="RunEntity.JobId"/> (which held the training job's id; a succeeded run needs that no more), and the
/// job's state is read back from the Hangfire storage every process shares: Enqueued, Scheduled or Awaiting is queued,
/// Processing is running, Failed is failed, anything else (succeeded, deleted, expired) is none. Hangfire keeps that
/// state right across restarts and machines (a job whose worker died is delivered again), which an in-memory flag
/// could not, and it needs no migration on the three run store providers. Two jobs never attack one run at once
/// because the job takes the run's lease (<see cref="AttackRunJob"/>).
/// </summary>
public sealed class HangfireAttackQueue(IBackgroundJobClient jobs, JobStorage storage, IRunStore store) : IAttackQueue
{
    public async Task<string> EnqueueAsync(RunEntity run, AttackOptions attacks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(attacks);
        var runId = run.Id;
        string[] names = [.. attacks.Attacks];
        int samples = attacks.Samples;
        // Hangfire substitutes its own token (server shutdown) for CancellationToken.None when it performs the job.
        return await EnqueueOnRunQueueAsync(jobs, store, run,
            Job.FromExpression<AttackRunJob>(job => job.ExecuteAsync(runId, names, samples, CancellationToken.None)), ct);
    }

    /// <summary>
    /// Creates <paramref name="job"/> on the run's device queue and records its id as the run's <see cref="RunEntity.JobId"/>:
    /// how every job after training (attacks, certification) is queued.
    /// </summary>
    internal static async Task<string> EnqueueOnRunQueueAsync(IBackgroundJobClient jobs, IRunStore store, RunEntity run, Job job,
        CancellationToken ct)
    {
        string jobId = jobs.Create(job, new EnqueuedState(run.Queue));
        await store.SetJobIdAsync(run.Id, jobId, ct);
        run.JobId = jobId;
        return jobId;
    }

    public Task<AttackJobStatus?> StatusAsync(RunEntity run, CancellationToken ct = default) =>
        StatusOf(storage, run, typeof(AttackRunJob), "attacking", "attack the run again", ct);

    /// <summary>The state of the run's <paramref name="jobType"/> job, read from the shared Hangfire storage (<see cref="Read"/>, <see cref="Stale"/>).</summary>
    internal static Task<AttackJobStatus?> StatusOf(JobStorage storage, RunEntity run, Type jobType, string working, string again,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (string.IsNullOrEmpty(run.JobId)) return Task.FromResult<AttackJobStatus?>(null);
        string jobId = run.JobId;
        bool leaseLive = run.LeaseOwner is not null && run.LeaseExpiresAt > DateTimeOffset.UtcNow;
        DateTimeOffset? leaseExpired = run.LeaseExpiresAt;
        // Hangfire's storage API is synchronous: off the caller's thread (a Blazor circuit or a request).
        return Task.Run(() => Stale(Read(storage, jobId, jobType), leaseLive, leaseExpired, working, again), ct);
    }

    /// <summary>
    /// A job Hangfire still shows as Processing although the run's lease has lapsed lost its worker (killed, power
    /// loss): the storage would show it running until its invisibility timeout (hours on SQLite), so it reads as failed
    /// and a new attack can be queued. A released lease has no expiry at all, so a job that has just started or just
    /// finished is not mistaken for a lost one.
    /// </summary>
    public static AttackJobStatus? Stale(AttackJobStatus? status, bool leaseLive, DateTimeOffset? leaseExpired,
        string working = "attacking", string again = "attack the run again") =>
        status is { State: AttackJobState.Running } && !leaseLive && leaseExpired is not null
            ? status with { State = AttackJobState.Failed, Error = $"the worker stopped while {working} (its lease lapsed at {leaseExpired:u}); {again}" }
            : status;

    /// <summary>
    /// The state of job <paramref name="jobId"/> when it is a <paramref name="jobType"/> job (the after-training jobs,
    /// attacks and certification, share this reading), else null.
    /// </summary>
    internal static AttackJobStatus? Read(JobStorage storage, string jobId, Type jobType)
    {
        using var connection = storage.GetConnection();
        var data = connection.GetJobData(jobId);
        // The run's job id may be its training job's (or another kind's): only a job of this kind counts.
        if (data?.Job?.Type != jobType) return null;
        string state = data.State ?? "";
        if (state == EnqueuedState.StateName || state == ScheduledState.StateName || state == AwaitingState.StateName)
            return new(jobId, AttackJobState.Queued);
        if (state == ProcessingState.StateName) return new(jobId, AttackJobState.Running);
        if (state == FailedState.StateName) return new(jobId, AttackJobState.Failed, FailureOf(connection, jobId));
        return null; // succeeded, deleted

    }

    static string? FailureOf(Hangfire.Storage.IStorageConnection connection, string jobId)
    {
        var state = connection.GetStateData(jobId);
        return state?.Data is { } data && data.TryGetValue("ExceptionMessage", out var message) ? message : state?.Reason;
    }
}
