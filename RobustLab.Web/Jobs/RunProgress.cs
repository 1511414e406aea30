using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// A change of one run as subscribers see it: its status, the epoch it is in (k of N), how far into that epoch, the
/// estimated seconds left, and the epoch just finished when the change is one (<see cref="FinishedEpoch"/>).
/// </summary>
public sealed record RunProgress(
    Guid RunId, RunStatus Status, int Epoch, int Epochs, double EpochProgress, double? EtaSeconds, string? Error,
    DateTimeOffset At, EpochReport? FinishedEpoch = null)
{
    /// <summary>The run's row as a change (what the remote poller sees; no epoch report).</summary>
    public static RunProgress From(RunEntity run) =>
        new(run.Id, run.Status, run.Epoch, run.Epochs, run.EpochProgress, run.EtaSeconds, run.Error, run.UpdatedAt);
}
