namespace RobustLab.Web.Runs;

/// <summary>One finished epoch of a run; (RunId, Epoch) is unique, so an epoch is recorded once.</summary>
public class EpochEntity
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public int Epoch { get; set; }
    public double TrainLoss { get; set; }
    public double TrainAccuracy { get; set; }
    public double ValidationLoss { get; set; }
    public double ValidationAccuracy { get; set; }
    public double LearningRate { get; set; }
    public double Seconds { get; set; }
    public double ImagesPerSecond { get; set; }
    public bool IsBest { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}
