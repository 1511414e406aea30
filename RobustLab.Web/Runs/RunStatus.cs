namespace RobustLab.Web.Runs;

/// <summary>Queued -> Running (epoch k of N) -> Evaluating -> Succeeded | Failed | Cancelled.</summary>
public enum RunStatus { Queued, Running, Evaluating, Succeeded, Failed, Cancelled }

public static class RunStatuses
{
    public static bool IsFinished(this RunStatus status) =>
        status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled;

    /// <summary>The API's spelling: "queued", "running", ...</summary>
    public static string Name(this RunStatus status) => status.ToString().ToLowerInvariant();
}
