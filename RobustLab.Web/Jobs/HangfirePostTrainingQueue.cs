using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The queue of jobs after training on Hangfire. "A job is in progress" needs no column of its own: the job's id goes
/// into the run's <see cref="RunEntity.JobId"/> (which held the training job's id; a succeeded run needs that no more),
/// and the job's state is read back from the Hangfire storage every process shares: Enqueued, Scheduled or Awaiting is
/// queued, Processing is running, Failed is failed, anything else (succeeded, deleted, expired) is none. Hangfire keeps
/// that state right across restarts and machines (a job whose worker died is delivered again), which an in-memory flag
/// could not, and it needs no migration on the three run store providers. Every kind shares the one job id, so the
/// status is that of whichever kind the id names; two jobs never work on one run at once because each takes the run's
/// lease (<see cref="PostTrainingJob"/>).
/// </summary>
public sealed class HangfirePostTrainingQueue(IBackgroundJobClient jobs, JobStorage storage, IRunStore store) : IPostTrainingQueue
{
    public async Task<string> EnqueueAsync(RunEntity run, PostTrainingRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(request);
        string jobId = jobs.Create(JobFor(run.Id, request), new EnqueuedState(run.Queue));
        await store.SetJobIdAsync(run.Id, jobId, ct);
        run.JobId = jobId;
        return jobId;
    }

    /// <summary>
    /// The Hangfire job for a request, with plain arguments (Hangfire stores them as JSON). Hangfire substitutes its own
    /// token (server shutdown) for CancellationToken.None when it performs the job.
    /// </summary>
    static Job JobFor(Guid runId, PostTrainingRequest request)
    {
        switch (request)
        {
            case AttackJobRequest a:
            {
                string[] names = [.. a.Attacks];
                int samples = a.Samples;
                return Job.FromExpression<AttackRunJob>(job => job.ExecuteAsync(runId, names, samples, CancellationToken.None));
            }
            case CertifyJobRequest c:
            {
                double[]? sigmas = c.Sigmas is null ? null : [.. c.Sigmas];
                int n0 = c.N0, n = c.N, images = c.Images;
                double alpha = c.Alpha;
                return Job.FromExpression<CertifyRunJob>(job => job.ExecuteAsync(runId, sigmas, n0, n, alpha, images, CancellationToken.None));
            }
            case CorruptJobRequest k:
            {
                string[] corruptions = [.. k.Corruptions];
                int[] severities = [.. k.Severities];
                int? subset = k.TestSubset;
                return Job.FromExpression<CorruptRunJob>(job => job.ExecuteAsync(runId, corruptions, severities, subset, CancellationToken.None));
            }
            default:
                throw new ArgumentException($"request: no job for {request.GetType().Name}.", nameof(request));
        }
    }

    /// <summary>The state of the run's job after training, read from the shared Hangfire storage (<see cref="Read"/>, <see cref="Stale"/>).</summary>
    public Task<PostTrainingJobStatus?> StatusAsync(RunEntity run, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (string.IsNullOrEmpty(run.JobId)) return Task.FromResult<PostTrainingJobStatus?>(null);
        string jobId = run.JobId;
        bool leaseLive = run.LeaseOwner is not null && run.LeaseExpiresAt > DateTimeOffset.UtcNow;
        DateTimeOffset? leaseExpired = run.LeaseExpiresAt;
        // Hangfire's storage API is synchronous: off the caller's thread (a Blazor circuit or a request).
        return Task.Run(() => Stale(Read(storage, jobId), leaseLive, leaseExpired), ct);
    }

    /// <summary>
    /// A job Hangfire still shows as Processing although the run's lease has lapsed lost its worker (killed, power
    /// loss): the storage would show it running until its invisibility timeout (hours on SQLite), so it reads as failed
    /// and a new job can be queued. A released lease has no expiry at all, so a job that has just started or just
    /// finished is not mistaken for a lost one.
    /// </summary>
    public static PostTrainingJobStatus? Stale(PostTrainingJobStatus? status, bool leaseLive, DateTimeOffset? leaseExpired) =>
        status is { State: PostTrainingJobState.Running } && !leaseLive && leaseExpired is not null
            ? status with
            {
                State = PostTrainingJobState.Failed,
                Error = $"the worker stopped while {status.Kind.Working()} (its lease lapsed at {leaseExpired:u}); {status.Kind.Again()}",
            }
            : status;

    /// <summary>The state of job <paramref name="jobId"/> when it is a job after training, else null.</summary>
    internal static PostTrainingJobStatus? Read(JobStorage storage, string jobId)
    {
        using var connection = storage.GetConnection();
        var data = connection.GetJobData(jobId);
        // The run's job id may be its training job's: only a job after training counts.
        if (PostTrainingJobKinds.OfJobType(data?.Job?.Type) is not { } kind) return null;
        string state = data!.State ?? "";
        if (state == EnqueuedState.StateName || state == ScheduledState.StateName || state == AwaitingState.StateName)
            return new(jobId, kind, PostTrainingJobState.Queued);
        if (state == ProcessingState.StateName) return new(jobId, kind, PostTrainingJobState.Running);
        if (state == FailedState.StateName) return new(jobId, kind, PostTrainingJobState.Failed, FailureOf(connection, jobId));
        return null; // succeeded, deleted
    }

    static string? FailureOf(Hangfire.Storage.IStorageConnection connection, string jobId)
    {
        var state = connection.GetStateData(jobId);
        return state?.Data is { } data && data.TryGetValue("ExceptionMessage", out var message) ? message : state?.Reason;
    }
}
