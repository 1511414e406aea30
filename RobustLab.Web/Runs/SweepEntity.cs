namespace RobustLab.Web.Runs;

/// <summary>A grid of runs over models x methods x sigma x alpha x N~ x seeds for one data set.</summary>
public class SweepEntity
{
    public Guid Id { get; set; }
    public string Dataset { get; set; } = "";
    /// <summary>
    /// The sweep's models joined with "," ("lenet,resnet20"; one model: its name, as before the model axis). A list in
    /// one column keeps the schema as it was; every architecture joined fits its 32 characters (a test checks this).
    /// </summary>
    public string Model { get; set; } = "";

    /// <summary><see cref="Model"/> as the list of models.</summary>
    [System.ComponentModel.DataAnnotations.Schema.NotMapped]
    public IReadOnlyList<string> Models => Model.Split(ModelSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public const char ModelSeparator = ',';

    public static string JoinModels(IEnumerable<string> models) => string.Join(ModelSeparator, models);
    /// <summary>The sweep request as posted (JSON), kept for display and re-submission.</summary>
    public string SpecJson { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Runs created by this sweep (their SweepId is this sweep).</summary>
    public List<RunEntity> Runs { get; set; } = [];
    /// <summary>Succeeded runs of earlier submissions that this sweep reuses instead of training again (they keep their own SweepId).</summary>
    public List<Guid> ReusedRunIds { get; set; } = [];
}
