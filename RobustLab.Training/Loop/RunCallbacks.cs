using RobustLab.Training.Attacks;

namespace RobustLab.Training.Loop;

/// <summary>Progress inside an epoch.</summary>
public sealed record BatchProgress(int Epoch, int Epochs, int Batch, int Batches);

/// <summary>
/// Where a run reports progress: finished epochs, batches, stage changes (<see cref="RunStage"/>), a stage after the
/// save that failed without failing the run (its one-line message), and, when the run asked for attacks, the attack
/// suite's progress.
/// </summary>
public sealed record RunCallbacks(
    Action<EpochReport>? OnEpoch = null, Action<BatchProgress>? OnBatch = null, Action<RunStage>? OnStage = null,
    Action<AttackProgress>? OnAttack = null, Action<RunStage, string>? OnStageFailed = null)
{
    public static RunCallbacks None { get; } = new();
}
