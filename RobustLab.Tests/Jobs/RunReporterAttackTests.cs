using RobustLab.Training.Attacks;
using RobustLab.Web.Jobs;

namespace RobustLab.Tests.Jobs;

/// <summary>The attack suite's progress as the run's progress field holds it while the run is Evaluating.</summary>
public sealed class RunReporterAttackTests
{
    [Theory]
    [InlineData(0, 4, 0, 97, 0.0)]
    [InlineData(0, 4, 40, 80, 0.125)]    // half of the first of four attacks
    [InlineData(1, 4, 0, 80, 0.25)]
    [InlineData(2, 4, 80, 80, 0.75)]
    [InlineData(0, 1, 0, 0, 0.999)]      // nothing to attack: that attack is done at once
    public void Attack_fraction_counts_finished_attacks_plus_the_share_of_the_current_one(int index, int attacks, int done, int total, double expected) =>
        Assert.Equal(expected, RunReporter.AttackFraction(new AttackProgress("pgd", index, attacks, done, total)), 9);

    [Fact]
    public void Attack_fraction_stays_below_one_so_the_run_still_reads_as_attacking_when_the_last_attack_ends()
    {
        double last = RunReporter.AttackFraction(new AttackProgress("saltpepper", 5, 6, 97, 97));

        Assert.True(last < 1);
        Assert.Equal(RunReporter.MaxAttackFraction, last);
    }
}
