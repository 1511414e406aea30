namespace RobustLab.Web.Jobs;

/// <summary>What the job engine does in this process.</summary>
public enum JobEngineRole
{
    /// <summary><c>robustlab serve</c>: queue client, dashboard, remote progress; workers and recovery unless Workers:InProcess is false.</summary>
    Serve,
    /// <summary><c>robustlab worker</c>: workers and recovery, no web endpoints.</summary>
    Worker,
}

/// <summary>This process's role, as a service.</summary>
public sealed record JobEngineProcess(JobEngineRole Role)
{
    public bool RunsWorkers(WorkerOptions workers) => Role == JobEngineRole.Worker || workers.InProcess;
}
