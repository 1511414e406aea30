namespace RobustLab.Web.Runs;

/// <summary>A grid of runs over methods x sigma x alpha x N~ x seeds for one data set and model.</summary>
public class SweepEntity
{
    public Guid Id { get; set; }
    public string Dataset { get; set; } = "";
    public string Model { get; set; } = "";
    /// <summary>The sweep request as posted (JSON), kept for display and re-submission.</summary>
    public string SpecJson { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Runs created by this sweep (their SweepId is this sweep).</summary>
    public List<RunEntity> Runs { get; set; } = [];
    /// <summary>Succeeded runs of earlier submissions that this sweep reuses instead of training again (they keep their own SweepId).</summary>
    public List<Guid> ReusedRunIds { get; set; } = [];
}
