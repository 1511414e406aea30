using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The certification queue on Hangfire, kept as the attack queue keeps its jobs (<see cref="HangfireAttackQueue"/>): the
/// job id goes into the run's <see cref="RunEntity.JobId"/>, its state is read back from the shared Hangfire storage.
/// </summary>
public sealed class HangfireCertifyQueue(IBackgroundJobClient jobs, JobStorage storage, IRunStore store) : ICertifyQueue
{
    public async Task<string> EnqueueAsync(RunEntity run, CertifyRequestOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        var runId = run.Id;
        double[]? sigmas = options.Sigmas is null ? null : [.. options.Sigmas];
        int n0 = options.N0, n = options.N, images = options.Images;
        double alpha = options.Alpha;
        return await HangfireAttackQueue.EnqueueOnRunQueueAsync(jobs, store, run,
            Job.FromExpression<CertifyRunJob>(job => job.ExecuteAsync(runId, sigmas, n0, n, alpha, images, CancellationToken.None)), ct);
    }

    public Task<AttackJobStatus?> StatusAsync(RunEntity run, CancellationToken ct = default) =>
        HangfireAttackQueue.StatusOf(storage, run, typeof(CertifyRunJob), "certifying", "certify the run again", ct);
}
