using RobustLab.Training.Attacks;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Tests.Attacks;

public class AttackSuiteTests(TrainedLeNetFixture lenet) : IClassFixture<TrainedLeNetFixture>
{
    // Small settings keep the suite quick; two batches per attack check that batching does not change the numbers.
    static readonly AttackOptions AllAttacks = new()
    {
        Samples = 24, Seed = 4, BatchSize = 10, LbfgsIterations = 20, LbfgsConstantSteps = 4, PgdSteps = 10, BisectionSteps = 10,
    };

    [Fact]
    public void Attack_evaluation_is_deterministic_for_a_fixed_seed()
    {
        var first = AttackSuite.Run(lenet.Model, lenet.Images, lenet.Labels, AllAttacks);
        var second = AttackSuite.Run(lenet.Model, lenet.Images, lenet.Labels, AllAttacks);
        Assert.Equal(AttackCatalog.Names, first.Attacks.Select(a => a.Attack));
        // Everything but the seconds must be identical.
        Assert.Equal(first.Attacks.Select(a => a with { Seconds = 0 }), second.Attacks.Select(a => a with { Seconds = 0 }));
        Assert.Equal((first.Samples, first.Attacked), (second.Samples, second.Attacked));
    }

    [Fact]
    public void Report_counts_only_correct_images_and_its_distances_are_consistent()
    {
        using var correct = lenet.Model.call(lenet.Images).argmax(1).eq(lenet.Labels).sum();
        var report = AttackSuite.Run(lenet.Model, lenet.Images, lenet.Labels, AllAttacks with { Attacks = [AttackCatalog.DeepFool, AttackCatalog.Fgsm] });
        Assert.Equal(24, report.Samples);
        Assert.Equal(correct.item<long>(), report.Attacked);
        foreach (var a in report.Attacks)
        {
            Assert.Equal(report.Attacked, a.Attacked);
            Assert.Equal(a.Succeeded / (double)a.Attacked, a.SuccessRate, 12);
            Assert.True(a.Succeeded > 0, $"{a.Attack} fooled nothing");
            // ||d||_inf <= ||d||_2 and mean squared distance = ||d||^2 / 784 per image; medians keep the first order.
            Assert.True(a.Linf.Median <= a.L2.Median + 1e-6, $"{a.Attack}: median L-inf {a.Linf.Median} > median L2 {a.L2.Median}");
            Assert.True(a.L2.Median > 0 && a.Mse.Median > 0);
            Assert.InRange(a.Mse.Median, 0.999 * a.L2.Median * a.L2.Median / 784, 1.001 * a.L2.Median * a.L2.Median / 784);
        }
        // DeepFool seeks the smallest L2 perturbation, FGSM the smallest L-inf along one sign step: each wins its own norm.
        Assert.True(report[AttackCatalog.DeepFool]!.L2.Median < report[AttackCatalog.Fgsm]!.L2.Median);
    }

    [Fact]
    public void Every_tensor_an_attack_creates_is_disposed_by_the_end_of_the_suite()
    {
        var options = AllAttacks with { Samples = 12, BatchSize = 6 };
        AttackSuite.Run(lenet.Model, lenet.Images, lenet.Labels, options);   // warm-up: lazily created buffers
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        AttackSuite.Run(lenet.Model, lenet.Images, lenet.Labels, options);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Cancellation_stops_the_suite()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            AttackSuite.Run(lenet.Model, lenet.Images, lenet.Labels, AllAttacks, ct: cancel.Token));
    }

    [Fact]
    public void Progress_reports_every_batch_of_every_attack()
    {
        var seen = new List<AttackProgress>();
        var report = AttackSuite.Run(lenet.Model, lenet.Images, lenet.Labels,
            AllAttacks with { Attacks = [AttackCatalog.Gaussian, AttackCatalog.SaltPepper] }, seen.Add);
        foreach (var name in new[] { AttackCatalog.Gaussian, AttackCatalog.SaltPepper })
        {
            var mine = seen.Where(p => p.Attack == name).ToList();
            Assert.Equal(0, mine[0].Done);
            Assert.Equal(report.Attacked, mine[^1].Done);
            Assert.True(mine.Zip(mine.Skip(1)).All(p => p.Second.Done > p.First.Done));
        }
    }

    [Theory]
    [InlineData("fgsm,nope", "unknown attack 'nope'")]
    [InlineData("", "name at least one attack")]
    public void Unknown_or_missing_attack_names_are_refused_naming_the_field(string text, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => AttackCatalog.Parse(text, "--attacks"));
        Assert.StartsWith("--attacks:", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void All_means_every_attack_in_table_order()
    {
        Assert.Equal(AttackCatalog.Names, AttackCatalog.Parse("all"));
        Assert.Equal(["pgd", "fgsm"], AttackCatalog.Parse(" PGD , fgsm,pgd"));
    }
}
