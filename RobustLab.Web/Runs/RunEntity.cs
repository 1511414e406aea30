using RobustLab.Training.Loop;

namespace RobustLab.Web.Runs;

/// <summary>
/// One training run in the run store: its configuration (as columns for filtering, and whole as <see cref="ConfigJson"/>),
/// its lifecycle, the lease that keeps it on one worker at a time, and its metrics once evaluated.
/// </summary>
public class RunEntity
{
    public Guid Id { get; set; }
    public Guid? SweepId { get; set; }
    public SweepEntity? Sweep { get; set; }

    // Configuration (the CLI's options; TrainingOptions serialised whole in ConfigJson).
    public string Dataset { get; set; } = "";
    public string Model { get; set; } = "";
    public TrainingMethod Method { get; set; }
    public double Sigma { get; set; }
    public double Alpha { get; set; }
    public int Copies { get; set; }
    public int Seed { get; set; }
    public string Device { get; set; } = "cpu";
    /// <summary>The Hangfire queue the run is enqueued on, derived from the device: cpu, cuda0, cuda1, ...</summary>
    public string Queue { get; set; } = "cpu";
    public string ConfigJson { get; set; } = "{}";
    /// <summary>Canonical form of the configuration; a sweep reuses a succeeded run with the same key.</summary>
    public string ConfigKey { get; set; } = "";

    // Lifecycle.
    public RunStatus Status { get; set; }
    public int Epoch { get; set; }
    public int Epochs { get; set; }
    /// <summary>Fraction of the current epoch done (0..1), updated at most about once a second.</summary>
    public double EpochProgress { get; set; }
    public double? EtaSeconds { get; set; }
    public string? Error { get; set; }
    public bool CancelRequested { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    // Which worker holds the run; a lease that is not renewed expires, and the run can be taken over.
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public string? JobId { get; set; }

    // Results. RunDir is decided by the server (never by a request); downloads resolve files from it.
    public string? RunDir { get; set; }
    public double? TestAccuracy { get; set; }
    public double? Gnr { get; set; }
    public double? GnrMean { get; set; }
    public double? MomentAccuracy { get; set; }
    public double? MomentGap { get; set; }
    /// <summary>The whole EvaluationResult as JSON (curve included).</summary>
    public string? MetricsJson { get; set; }

    public List<EpochEntity> EpochReports { get; set; } = [];
}
