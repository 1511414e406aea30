using RobustLab.Training.Attacks;
using RobustLab.Training.Corruptions;
using RobustLab.Tests.Api;
using RobustLab.Web.Comparison;
using static RobustLab.Tests.Dashboard.Comparison.RobustnessReports;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>Which figures the run page's report card shows.</summary>
public sealed class ReportCardTests
{
    [Fact]
    public void The_card_takes_the_certification_at_the_training_sigma_and_the_strongest_attack()
    {
        var metrics = FakeRunStore.SampleMetrics(0.91) with
        {
            Certification = [Certified(0.12, 0.9, 0.3), Certified(0.25, 0.8, 1.0), Certified(0.5, 0.7, 1.5)],
            Attacks = new AttackReport(20, 18, 0, [Attack("fgsm", 0.9), Attack("pgd", 0.4), Attack("deepfool", double.NaN)]),
            Corruptions = Corrupted(0.91, 0.031, new Dictionary<string, double[]> { [CorruptionCatalog.Rotate] = [0.8, 0.6] }),
        };

        var card = ReportCard.Of(metrics, trainingSigma: 0.25);

        Assert.Equal(0.91, card.CleanAccuracy);
        Assert.Equal(metrics.Gnr, card.Gnr);
        Assert.Equal(0.25, card.Certification!.Sigma);
        Assert.Equal(new StrongestAttack("pgd", 0.4), card.Attack); // deepfool fooled none: no median
        Assert.Equal(0.7, card.MeanCorruptionAccuracy!.Value, 12);
        Assert.Equal(0.031, card.Ece);
    }

    [Fact]
    public void A_baseline_shows_its_smallest_certified_sigma_and_nothing_it_was_not_measured_on()
    {
        var certified = ReportCard.Of(FakeRunStore.SampleMetrics() with { Certification = [Certified(0.5, 0.7, 1.5), Certified(0.25, 0.8, 1)] }, 0);
        Assert.Equal(0.25, certified.Certification!.Sigma);

        var bare = ReportCard.Of(FakeRunStore.SampleMetrics(), 0.25);
        Assert.Null(bare.Certification);
        Assert.Null(bare.Attack);
        Assert.Null(bare.MeanCorruptionAccuracy);
        Assert.Null(bare.Ece);
    }

    static AttackMetrics Attack(string name, double medianL2) =>
        new(name, 18, 10, 10 / 18.0, new DistanceSummary(medianL2, medianL2), new DistanceSummary(0.1, 0.1), new DistanceSummary(0.01, 0.01), 1);
}
