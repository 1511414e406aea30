using System.Globalization;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Comparison;

public enum AdvantageOutcome
{
    /// <summary>No eligible model of one of the two methods: nothing to test.</summary>
    Missing,
    /// <summary>Fewer than 2 seeds on a side: no variance, so no test.</summary>
    CannotTell,
    /// <summary>The regulariser's GNR is above augmentation's by more than the seed spread explains (p below the level).</summary>
    RegularizerAhead,
    /// <summary>Augmentation's GNR is above the regulariser's by more than the seed spread explains.</summary>
    AugmentationAhead,
    /// <summary>The difference is within the seed spread (p at or above the level).</summary>
    WithinSpread,
}

/// <summary>
/// Whether the regulariser's advantage over augmentation at fair accuracy (the GNR of the most robust eligible model of
/// each method, docs/method.md, section "Fair comparison") exceeds the seed spread: Welch's t-test of the two settings'
/// GNR over their seeds, two-sided, at the 5% level. Each side is the best of its method chosen by its mean, so with many
/// settings tried the p-value is on the optimistic side; it says whether seeds alone could explain the gap, no more.
/// </summary>
public sealed record RegularizerAdvantage(
    AdvantageOutcome Outcome, SettingResult? Regularizer, SettingResult? Augmentation, WelchResult? Test, string Statement)
{
    /// <summary>The two-sided significance level.</summary>
    public const double Level = 0.05;

    /// <param name="measure">The measure's name in the statement ("GNR", "certified AUC").</param>
    public static RegularizerAdvantage Of(IReadOnlyList<SettingResult> bestPerMethod, string measure = "GNR")
    {
        var regularizer = bestPerMethod.FirstOrDefault(s => s.Setting.Method == TrainingMethod.Regularizer);
        var augmentation = bestPerMethod.FirstOrDefault(s => s.Setting.Method == TrainingMethod.Augmentation);
        if (regularizer is null || augmentation is null)
            return new(AdvantageOutcome.Missing, regularizer, augmentation, null,
                "The seed spread needs an eligible model of both the regularizer and augmentation to compare.");

        string gap = $"{Signed(regularizer.Gnr - augmentation.Gnr)} {measure} for the regularizer ({regularizer.Setting.Label}, " +
                     $"{Seeds(regularizer)}) over augmentation ({augmentation.Setting.Label}, {Seeds(augmentation)})";
        if (WelchTest.Compare(regularizer.GnrSpread, augmentation.GnrSpread) is not { } test)
            return new(AdvantageOutcome.CannotTell, regularizer, augmentation, null,
                $"Cannot tell whether the difference of {gap} exceeds the seed spread: that needs at least 2 seeds per side. " +
                "Queue both settings again with seeds 0, 1, 2.");

        string figures = $"Welch t = {F(test.T, "0.00")}, df = {F(test.DegreesOfFreedom, "0.0")}, p = {PValue(test.PValue)}";
        if (test.PValue >= Level)
            return new(AdvantageOutcome.WithinSpread, regularizer, augmentation, test,
                $"The difference of {gap} is within the seed spread ({figures}): not significant at the 5% level.");
        return test.Difference > 0
            ? new(AdvantageOutcome.RegularizerAhead, regularizer, augmentation, test,
                $"The regularizer's advantage of {gap} exceeds the seed spread ({figures}).")
            : new(AdvantageOutcome.AugmentationAhead, regularizer, augmentation, test,
                $"Augmentation is ahead: the difference of {gap} exceeds the seed spread ({figures}).");
    }

    /// <summary>"0.021", or "1.2e-05" below 0.001 so a small p-value does not read as 0.</summary>
    public static string PValue(double p) => p == 0 ? "0" : F(p, p < 0.001 ? "0.0e+00" : "0.000");

    static string Seeds(SettingResult s) => s.Seeds == 1 ? "1 seed" : $"{s.Seeds} seeds";
    static string Signed(double v) => (v >= 0 ? "+" : "") + F(v, "0.0000");
    static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
