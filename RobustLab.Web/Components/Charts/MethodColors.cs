using RobustLab.Training.Loop;

namespace RobustLab.Web.Components.Charts;

/// <summary>
/// The colours of the training methods, the same on every comparison page: each method has a family (lines of one
/// method, say augmentation at several N~, read as one group) whose first colour is the method's own.
/// </summary>
public static class MethodColors
{
    public const string Baseline = "#555555";

    static readonly Dictionary<TrainingMethod, string[]> Families = new()
    {
        [TrainingMethod.Baseline] = [Baseline],
        [TrainingMethod.Augmentation] = ["#ff7f0e", "#8c564b", "#e377c2", "#bcbd22", "#ffbb78"],
        [TrainingMethod.Regularizer] = ["#1f77b4", "#393b79", "#6baed6", "#3182bd", "#9ecae1"],
        [TrainingMethod.Gaussian] = ["#2ca02c", "#637939", "#98df8a"],
        [TrainingMethod.Stability] = ["#9467bd", "#5254a3", "#c5b0d5"],
        [TrainingMethod.Consistency] = ["#d62728", "#ad494a", "#ff9896"],
    };

    /// <summary>The method's own colour.</summary>
    public static string Of(TrainingMethod method) => Family(method)[0];

    /// <summary>The method's family; the <paramref name="index"/>-th line of a method takes its colour (cycling).</summary>
    public static string Of(TrainingMethod method, int index) => Family(method)[index % Family(method).Length];

    static string[] Family(TrainingMethod method) => Families.TryGetValue(method, out var family) ? family : [Baseline];
}
