namespace RobustLab.Training.Training;

/// <summary>Progress inside an epoch.</summary>
public sealed record BatchProgress(int Epoch, int Epochs, int Batch, int Batches);

/// <summary>Where a run reports progress: finished epochs, batches, and stage changes ("training", "evaluating").</summary>
public sealed record RunCallbacks(
    Action<EpochReport>? OnEpoch = null, Action<BatchProgress>? OnBatch = null, Action<string>? OnStage = null)
{
    public static RunCallbacks None { get; } = new();
}
