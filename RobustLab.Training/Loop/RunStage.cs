namespace RobustLab.Training.Loop;

/// <summary>
/// The stages of one run, in the order <see cref="RunPipeline"/> reports them through <see cref="RunCallbacks.OnStage"/>.
/// Attacking (and, later, the other jobs that follow training) happens after the run is saved: its failure leaves the
/// trained run standing and is reported through <see cref="RunCallbacks.OnStageFailed"/>.
/// </summary>
public enum RunStage { Training, Evaluating, Attacking, Certifying, Corrupting, Succeeded }

public static class RunStages
{
    /// <summary>The stage in words for people (the dashboard, the CLI): "training", "evaluating", "attacking", ...</summary>
    public static string Name(this RunStage stage) => stage.ToString().ToLowerInvariant();

    /// <summary>"attacks failed: {message}": how the run log and the CLI report a stage after the save that failed.</summary>
    public static string FailedLine(this RunStage stage, string message) =>
        $"{stage switch { RunStage.Attacking => "attacks", RunStage.Certifying => "certification", RunStage.Corrupting => "corruptions", _ => stage.Name() }} failed: {message}";
}
