namespace RobustLab.Training.Loop;

/// <summary>
/// Seconds a run spent in one stage, so a user sees where its time went: training (with loading the data), evaluation
/// (with saving the run), and each job after training (attacks; certification and corruptions to come). Kept in the
/// run's metrics, in run.json and the run store alike.
/// </summary>
public sealed record StageSeconds(RunStage Stage, double Seconds);

public static class StageTimings
{
    /// <summary>The timings with <paramref name="stage"/>'s entry replaced (a stage run again, such as new attacks) or added.</summary>
    public static IReadOnlyList<StageSeconds> WithStage(this IReadOnlyList<StageSeconds>? timings, RunStage stage, double seconds) =>
        [.. (timings ?? []).Where(t => t.Stage != stage), new StageSeconds(stage, seconds)];

    /// <summary>The seconds recorded for <paramref name="stage"/>, or null when it never ran.</summary>
    public static double? SecondsOf(this IReadOnlyList<StageSeconds>? timings, RunStage stage) =>
        timings?.FirstOrDefault(t => t.Stage == stage)?.Seconds;
}
