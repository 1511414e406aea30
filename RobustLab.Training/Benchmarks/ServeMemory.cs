namespace RobustLab.Training.Benchmarks;

/// <summary>Resident memory of a <c>robustlab serve</c> process after its first and its last short run (MiB).</summary>
public sealed record ServeMemory(double AfterRun1, double AfterLastRun, int Runs, string Description)
{
    /// <summary>Growth from the first run to the last (target: under 0.10).</summary>
    public double Growth => AfterLastRun / AfterRun1 - 1;
}
