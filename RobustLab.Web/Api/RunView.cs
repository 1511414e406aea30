using System.Text.Json;
using RobustLab.Training.Checkpoints;
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
        RunRequest.From(ConfigOf(run)),
        MetricsOf(run),
        run.EpochReports.Count == 0 ? null : run.EpochReports.OrderBy(e => e.Epoch).Select(EpochView.From).ToArray(),
        RunLinks.For(run.Id));

    /// <summary>The run's TrainingOptions from ConfigJson; the filter columns when that is unreadable.</summary>
    public static TrainingOptions ConfigOf(RunEntity run)
    {
        try
        {
            var options = JsonSerializer.Deserialize<TrainingOptions>(run.ConfigJson, RunJson.Options);
            if (options is not null) return options;
        }
        catch (JsonException) { }
        return new TrainingOptions
        {
            Dataset = run.Dataset, Model = run.Model, Method = run.Method, Sigma = run.Sigma, Alpha = run.Alpha,
            Copies = run.Copies, Seed = run.Seed, Device = run.Device, Epochs = run.Epochs > 0 ? run.Epochs : null,
        };
    }

    /// <summary>The stored EvaluationResult (curve included); null until the run is evaluated.</summary>
    public static EvaluationResult? MetricsOf(RunEntity run)
    {
        if (string.IsNullOrWhiteSpace(run.MetricsJson)) return null;
        try { return JsonSerializer.Deserialize<EvaluationResult>(run.MetricsJson, RunJson.Options); }
        catch (JsonException) { return null; }
    }
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

/// <summary>Where to read, act on (cancel, retry, attack) and download a run (the downloads exist once it succeeded).</summary>
public sealed record RunLinks(string Self, string Cancel, string Retry, string Attacks, string Safetensors, string Torchsharp, string Runjson)
{
    public static RunLinks For(Guid id)
    {
        string self = $"/api/runs/{id}";
        return new(self, self + "/cancel", self + "/retry", self + "/attacks",
            self + "/files/safetensors", self + "/files/torchsharp", self + "/files/runjson");
    }
}
