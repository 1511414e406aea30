namespace RobustLab.Web.Jobs;

/// <summary>
/// "Workers": which Hangfire queues this process serves and with how many workers each, for example
/// <c>{ "Queues": { "cpu": 1, "cuda0": 1 }, "InProcess": true }</c>. A queue is named after a device (cpu, cuda0,
/// cuda1, ...); a worker trains one run at a time. <c>robustlab serve</c> runs these workers in-process unless
/// <see cref="InProcess"/> is false; <c>robustlab worker</c> always runs them.
/// </summary>
public sealed class WorkerOptions
{
    public const string Section = "Workers";
    public const string DefaultQueue = "cpu";

    /// <summary>Queue name -> worker count. Empty means <c>cpu: 1</c>. A count of 0 leaves the queue unserved.</summary>
    public Dictionary<string, int> Queues { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <c>robustlab serve</c> trains runs itself (true) or only submits them to remote workers.</summary>
    public bool InProcess { get; set; } = true;

    /// <summary>How often an idle worker asks the SQLite or PostgreSQL storage for a job (SQL Server is told at once).</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// SQLite storage only: how long a fetched job stays invisible to other workers. Hangfire.Storage.SQLite has no
    /// sliding timeout, so this is hours; the run lease is what keeps a run on one worker.
    /// </summary>
    public TimeSpan SqliteInvisibilityTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>PostgreSQL storage only: invisibility timeout, kept fresh by the sliding heartbeat while a job runs.</summary>
    public TimeSpan PostgreSqlInvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>SQL Server storage only: the sliding invisibility timeout (Hangfire 1.8's default).</summary>
    public TimeSpan SqlServerSlidingInvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The queues to serve with a worker count above 0, lower-cased; <c>cpu: 1</c> when none is configured.</summary>
    public IReadOnlyDictionary<string, int> EffectiveQueues()
    {
        var queues = Queues.Where(q => q.Value > 0).ToDictionary(q => q.Key.Trim().ToLowerInvariant(), q => q.Value);
        return Queues.Count == 0 ? new Dictionary<string, int> { [DefaultQueue] = 1 } : queues;
    }

    /// <summary>Problems with these options, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (queue, count) in Queues)
        {
            if (!IsQueueName(queue))
                errors.Add($"Workers:Queues: '{queue}' is not a queue name (lower-case letters, digits, '_' or '-'; e.g. cpu, cuda0).");
            if (count < 0) errors.Add($"Workers:Queues:{queue} must be a worker count >= 0 (got {count}).");
        }
        if (QueuePollInterval <= TimeSpan.Zero) errors.Add($"Workers:QueuePollInterval must be > 0 (got {QueuePollInterval}).");
        if (SqliteInvisibilityTimeout <= TimeSpan.Zero) errors.Add($"Workers:SqliteInvisibilityTimeout must be > 0 (got {SqliteInvisibilityTimeout}).");
        if (PostgreSqlInvisibilityTimeout <= TimeSpan.Zero) errors.Add($"Workers:PostgreSqlInvisibilityTimeout must be > 0 (got {PostgreSqlInvisibilityTimeout}).");
        if (SqlServerSlidingInvisibilityTimeout <= TimeSpan.Zero) errors.Add($"Workers:SqlServerSlidingInvisibilityTimeout must be > 0 (got {SqlServerSlidingInvisibilityTimeout}).");
        return errors;
    }

    /// <summary>Hangfire accepts lower-case letters, digits, underscores and dashes in queue names.</summary>
    public static bool IsQueueName(string name) =>
        name.Length > 0 && name.Trim().ToLowerInvariant().All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-');
}
