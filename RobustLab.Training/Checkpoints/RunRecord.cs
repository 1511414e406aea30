using RobustLab.Training.Evaluation;
using RobustLab.Training.Models;
using RobustLab.Training.Loop;

namespace RobustLab.Training.Checkpoints;

/// <summary>Everything run.json holds: the full configuration, the protocol in force, every epoch and every metric.</summary>
public sealed record RunRecord
{
    public int FormatVersion { get; init; } = 1;
    public required TrainingOptions Config { get; init; }
    public required Protocol Protocol { get; init; }
    public required ModelSpec Model { get; init; }
    public IReadOnlyList<EpochReport> Epochs { get; init; } = [];
    public EvaluationResult? Metrics { get; init; }
    /// <summary>Why training stopped: "epochs", "early-stop" or "cancelled".</summary>
    public string? StopReason { get; init; }
    public int BestEpoch { get; init; }
    public double SecondsPerEpoch { get; init; }
    public int TrainImages { get; init; }
    public int ValidationImages { get; init; }
    public int Threads { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}
