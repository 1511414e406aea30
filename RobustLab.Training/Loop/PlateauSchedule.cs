namespace RobustLab.Training.Loop;

/// <summary>
/// ReduceLROnPlateau (mode min, relative threshold 1e-4, no cooldown) and early stopping on the monitored loss,
/// as a plain serialisable record so that a resumed run continues the same schedule.
/// </summary>
public sealed record PlateauSchedule(double LearningRate, double Best, int BadEpochs, int EpochsWithoutImprovement)
{
    const double Threshold = 1e-4;

    public static PlateauSchedule Start(double learningRate) => new(learningRate, double.PositiveInfinity, 0, 0);

    /// <summary>The schedule after an epoch whose monitored loss was <paramref name="loss"/>; Improved says if it is the new best.</summary>
    public (PlateauSchedule Next, bool Improved) Step(double loss, double factor, int patience)
    {
        bool improved = loss < Best * (1 - Threshold) || double.IsPositiveInfinity(Best);
        if (improved) return (new(LearningRate, loss, 0, 0), true);
        int bad = BadEpochs + 1;
        double lr = LearningRate;
        if (bad > patience) { lr *= factor; bad = 0; }
        return (new(lr, Best, bad, EpochsWithoutImprovement + 1), false);
    }

    public bool ShouldStop(int earlyStopPatience) => EpochsWithoutImprovement >= earlyStopPatience;
}
