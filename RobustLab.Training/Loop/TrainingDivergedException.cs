namespace RobustLab.Training.Loop;

/// <summary>
/// The training loss became NaN or infinite: the weights are lost, so the run fails here instead of evaluating a broken
/// network as if it had trained. The message names the epoch and batch and what to change.
/// </summary>
public sealed class TrainingDivergedException(int epoch, int batch, int batches, double loss) : Exception(
    $"training diverged: the loss became {(double.IsNaN(loss) ? "NaN" : "infinite")} at epoch {epoch}, batch {batch} of {batches}; " +
    "lower the learning rate (lr), sigma or alpha and train again.")
{
    public int Epoch { get; } = epoch;
    public int Batch { get; } = batch;
}
