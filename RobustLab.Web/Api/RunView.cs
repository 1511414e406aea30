using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Api;

/// <summary>
/// A run as the API reads it back: lifecycle (status "queued", "running", ...; epoch k of N; ETA), its configuration
/// (the request's fields) and, once evaluated, its metrics (the <c>eval --json</c> fields) and per-epoch reports.
/// </summary>
public sealed record RunView(
    Guid Id,
    string Status,
    int Epoch,
    int Epochs,
    double EpochProgress,
    double? EtaSeconds,
    string? Error,
    bool CancelRequested,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    Guid? SweepId,
    string Queue,
    RunRequest Config,
    EvaluationResult? Metrics,
    IReadOnlyList<EpochView>? EpochReports,
    RunLinks Links)
{
    public static RunView From(RunEntity run) => new(
        run.Id, run.Status.Name(), run.Epoch, run.Epochs, run.EpochProgress, run.EtaSeconds, run.Error, run.CancelRequested,
        run.CreatedAt, run.StartedAt, run.FinishedAt, run.SweepId, run.Queue,
        RunRequest.From(run.ReadOptions()),
        run.ReadMetrics(),
        run.EpochReports.Count == 0 ? null : run.EpochReports.OrderBy(e => e.Epoch).Select(EpochView.From).ToArray(),
        RunLinks.For(run.Id));
}

/// <summary>One finished epoch (the <c>train --json</c> per-epoch fields).</summary>
public sealed record EpochView(
    int Epoch, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy,
    double LearningRate, double Seconds, double ImagesPerSecond, bool IsBest, DateTimeOffset RecordedAt)
{
    public static EpochView From(EpochEntity e) => new(
        e.Epoch, e.TrainLoss, e.TrainAccuracy, e.ValidationLoss, e.ValidationAccuracy, e.LearningRate, e.Seconds,
        e.ImagesPerSecond, e.IsBest, e.RecordedAt);
}
