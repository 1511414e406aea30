namespace RobustLab.Training.Loop;

/// <summary>What one finished epoch measured (sent to the progress callback and kept in run.json).</summary>
public sealed record EpochReport(
    int Epoch, int Epochs, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy,
    double LearningRate, double Seconds, double ImagesPerSecond, bool IsBest);
