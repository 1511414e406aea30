using RobustLab.Training.Loop;
using RobustLab.Web.Comparison;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>Hand-made comparison inputs: accuracy and GNR as fractions, like the run store keeps them.</summary>
static class ComparisonRuns
{
    public static ComparisonRun Baseline(double accuracy, double gnr = 0.5, int seed = 0, double seconds = 10) =>
        new(Guid.NewGuid(), TrainingMethod.Baseline, 0, 0, 0, seed, accuracy, gnr, gnr, seconds);

    public static ComparisonRun Augmentation(int copies, double sigma, double accuracy, double gnr, int seed = 0, double seconds = 100) =>
        new(Guid.NewGuid(), TrainingMethod.Augmentation, sigma, 0, copies, seed, accuracy, gnr, gnr, seconds);

    public static ComparisonRun Regularizer(double alpha, double sigma, double accuracy, double gnr, int seed = 0, double seconds = 20) =>
        new(Guid.NewGuid(), TrainingMethod.Regularizer, sigma, alpha, 0, seed, accuracy, gnr, gnr, seconds);
}
