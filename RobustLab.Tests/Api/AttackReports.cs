using RobustLab.Training.Attacks;
using RobustLab.Training.Evaluation;

namespace RobustLab.Tests.Api;

/// <summary>Hand-made attack reports: each attack's median MSE given, L2 and Linf derived from it so tests can tell them apart.</summary>
public static class AttackReports
{
    /// <summary>An attack that fooled 9 of 10 images; its medians: MSE <paramref name="mse"/>, L2 = 10 x MSE, Linf = 2 x MSE (NaN: fooled none).</summary>
    public static AttackMetrics Metrics(string attack, double mse) => double.IsNaN(mse)
        ? new AttackMetrics(attack, 10, 0, 0, new(double.NaN, double.NaN), new(double.NaN, double.NaN), new(double.NaN, double.NaN), 1.5)
        : new AttackMetrics(attack, 10, 9, 0.9, new(10 * mse, 11 * mse), new(2 * mse, 3 * mse), new(mse, 1.5 * mse), 1.5);

    public static AttackReport Report(params (string Attack, double Mse)[] attacks) =>
        new(12, 10, 0, attacks.Select(a => Metrics(a.Attack, a.Mse)).ToList());

    /// <summary>The fake store's sample metrics with this attack report.</summary>
    public static EvaluationResult WithAttacks(AttackReport report, double accuracy = 0.875) =>
        FakeRunStore.SampleMetrics(accuracy) with { Attacks = report };
}
