namespace RobustLab.Web.Jobs;

/// <summary>Names for lease owners and Hangfire servers: machine and process id, so a log line says who held a run.</summary>
public static class WorkerIdentity
{
    /// <summary>machine:pid: the process.</summary>
    public static string Process => $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>machine:pid:attempt, unique per execution of a job, so two deliveries in one process never share a lease.</summary>
    public static string NewOwner() => $"{Process}:{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>The Hangfire server name for one queue: machine:pid:queue.</summary>
    public static string ServerName(string queue) => $"{Process}:{queue}";
}
