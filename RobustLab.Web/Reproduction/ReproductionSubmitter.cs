using RobustLab.Web.Runs;

namespace RobustLab.Web.Reproduction;

/// <summary>What queueing a reproduction did: the sweep (null when the proposal had problems), runs queued and reused.</summary>
public sealed record ReproductionQueued(Guid? SweepId, int Queued, int Reused, IReadOnlyList<string> Failed, FieldProblems Problems)
{
    public bool Ok => SweepId is not null && Failed.Count == 0;
}

/// <summary>
/// Queues a proposal as one sweep on POST /api/sweeps' path: <see cref="SweepValidation"/>, <see cref="SweepSubmitter"/>
/// (which reuses succeeded configurations) and <see cref="RunSubmission"/> for each new run.
/// </summary>
public sealed class ReproductionSubmitter(IRunStore store, IRunQueue queue, SweepSubmitter sweeps)
{
    public async Task<ReproductionQueued> QueueAsync(ReproductionProposal proposal, CancellationToken ct = default)
    {
        var problems = proposal.Budget.Problems();
        if (problems.Count == 0) problems = SweepValidation.Validate(proposal.Request);
        if (problems.Count > 0) return new ReproductionQueued(null, 0, 0, [], problems);

        var submission = await sweeps.SubmitAsync(proposal.Request, ct);
        var failed = new List<string>();
        foreach (var run in submission.NewRuns)
        {
            // A run that cannot be queued is marked failed by RunSubmission (retry it from the runs page); the rest go on.
            try { await RunSubmission.EnqueueAsync(store, queue, run, ct); }
            catch (Exception e) when (e is not OperationCanceledException) { failed.Add($"{run.Id}: {e.Message}"); }
        }
        return new ReproductionQueued(submission.Sweep.Id, submission.NewRuns.Count - failed.Count, submission.ReusedRuns.Count, failed, problems);
    }
}
