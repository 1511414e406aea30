using System.Text.Json;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Runs;

/// <summary>A stored run's configuration and metrics read back from their JSON columns (the API, the pages and the CSV exports).</summary>
public static class RunEntityReading
{
    /// <summary>The run's TrainingOptions from ConfigJson; the filter columns when that is unreadable.</summary>
    public static TrainingOptions ReadOptions(this RunEntity run)
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
    public static EvaluationResult? ReadMetrics(this RunEntity run)
    {
        if (string.IsNullOrWhiteSpace(run.MetricsJson)) return null;
        try { return JsonSerializer.Deserialize<EvaluationResult>(run.MetricsJson, RunJson.Options); }
        catch (JsonException) { return null; }
    }
}
