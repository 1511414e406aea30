using RobustLab.Training.Attacks;

namespace RobustLab.Training.Loop;

/// <summary>Progress inside an epoch.</summary>
public sealed record BatchProgress(int Epoch, int Epochs, int Batch, int Batches);

/// <summary>
/// Where a run reports progress: finished epochs, batches, stage changes ("training", "evaluating", "attacking",
/// "succeeded") and, when the run asked for attacks, the attack suite's progress.
/// </summary>
public sealed record RunCallbacks(
    Action<EpochReport>? OnEpoch = null, Action<BatchProgress>? OnBatch = null, Action<string>? OnStage = null,
    Action<AttackProgress>? OnAttack = null)
{
    public static RunCallbacks None { get; } = new();
}
