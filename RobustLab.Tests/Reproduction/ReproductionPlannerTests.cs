using RobustLab.Tests.Api;
using RobustLab.Training.Loop;
using RobustLab.Web.Components.RunForm;
using RobustLab.Web.Reproduction;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Reproduction;

public sealed class ReproductionPlannerTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("robustlab-repro-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Paper_budget_is_the_papers_whole_grid_84_runs_per_seed()
    {
        var proposal = ReproductionPlanner.Propose("fashion-mnist", "lenet", ReproductionBudget.Paper);

        Assert.True(proposal.IsValid, string.Join(" ", proposal.Problems.Select(p => p.Message)));
        Assert.Equal(3 * 84, proposal.Runs.Count);
        var seed0 = proposal.Runs.Where(r => r.Seed == 0).ToList();
        Assert.Single(seed0, r => r.Method == TrainingMethod.Baseline);
        var augmentation = seed0.Where(r => r.Method == TrainingMethod.Augmentation).ToList();
        Assert.Equal([0.125, 0.25, 0.325, 0.5, 1.0], augmentation.Select(r => r.Sigma).Distinct().Order());
        Assert.Equal([2, 6, 11, 21], augmentation.Select(r => r.Copies).Distinct().Order());
        Assert.Equal(20, augmentation.Count);
        var regularizer = seed0.Where(r => r.Method == TrainingMethod.Regularizer).ToList();
        Assert.Equal([0.125, 0.25, 0.325, 0.5, 1.0, 2, 5, 10, 20], regularizer.Select(r => r.Sigma).Distinct().Order());
        Assert.Equal([0.5, 1, 1.5, 2, 5, 10, 20], regularizer.Select(r => r.Alpha).Distinct().Order());
        Assert.Equal(63, regularizer.Count);
        // The protocol's settings: nothing overridden, and the Table 1 attacks after training.
        Assert.All(proposal.Runs, r => Assert.Null(r.Epochs));
        Assert.All(proposal.Runs, r => Assert.Null(r.TrainSubset));
        Assert.Equal(["pgd", "lbfgs", "fgsm", "deepfool"], proposal.Request.Attacks);
        Assert.Equal([0, 1, 2], proposal.Runs.Select(r => r.Seed).Distinct().Order());
    }

    [Fact]
    public void A_smaller_budget_spreads_its_values_over_each_list_and_leaves_out_the_regularizers_large_sigmas()
    {
        var budget = new ReproductionBudget { Seeds = 2, Sigmas = 2, Alphas = 1, Copies = 2, TrainSubset = 500, TestSubset = 100, Epochs = 1, Attacks = false };
        var proposal = ReproductionPlanner.Propose("fashion-mnist", "lenet", budget);

        Assert.True(proposal.IsValid, string.Join(" ", proposal.Problems.Select(p => p.Message)));
        // Two of five sigmas are the ends; one of seven alphas is the middle one; two of four N~ the ends.
        Assert.Equal([0.125, 1.0], proposal.Request.Sigma);
        Assert.Equal([0.125, 1.0], SweepPlanner.RegularizerSigmas(proposal.Request));
        Assert.Equal([2.0], proposal.Request.Alpha);
        Assert.Equal([2, 21], proposal.Request.Copies);
        // Per seed: 1 baseline + 2 sigmas x 2 N~ + 2 sigmas x 1 alpha.
        Assert.Equal(2 * (1 + 4 + 2), proposal.Runs.Count);
        Assert.Equal([(TrainingMethod.Baseline, 2), (TrainingMethod.Augmentation, 8), (TrainingMethod.Regularizer, 4)], proposal.PerMethod);
        Assert.All(proposal.Runs, r => Assert.Equal((500, 100, 1), (r.TrainSubset!.Value, r.TestSubset!.Value, r.Epochs!.Value)));
        Assert.All(proposal.Runs, r => Assert.Empty(r.Attacks));
    }

    [Theory]
    [InlineData(5, 3, new[] { 0, 2, 4 })]
    [InlineData(7, 1, new[] { 3 })]
    [InlineData(4, 4, new[] { 0, 1, 2, 3 })]
    [InlineData(4, 3, new[] { 0, 2, 3 })]
    public void Spread_takes_evenly_spaced_indices_from_first_to_last(int length, int count, int[] expected)
    {
        var values = Enumerable.Range(0, length).ToList();
        Assert.Equal(expected, PaperGrid.Spread(values, count));
    }

    [Fact]
    public void Bad_budget_and_bad_settings_are_named_by_their_fields()
    {
        var bad = ReproductionPlanner.Propose("fashion-mnist", "lenet", ReproductionBudget.Smoke with { Seeds = 0, Sigmas = 9 });
        Assert.False(bad.IsValid);
        Assert.Contains("seeds", bad.Problems.Fields);
        Assert.Contains("sigmas", bad.Problems.Fields);
        Assert.Empty(bad.Runs);

        var tiny = ReproductionPlanner.Propose("fashion-mnist", "lenet", ReproductionBudget.Smoke with { TrainSubset = 3 });
        Assert.Contains("trainSubset", tiny.Problems.Fields);

        var unknown = ReproductionPlanner.Propose("imagenet", "lenet", ReproductionBudget.Smoke);
        Assert.Contains("dataset", unknown.Problems.Fields);
    }

    [Fact]
    public async Task Succeeded_configurations_are_counted_as_reused_by_the_forms_estimate_and_not_queued_again()
    {
        var store = new FakeRunStore(_folder);
        var queue = new RecordingRunQueue(store);
        var proposal = ReproductionPlanner.Propose("fashion-mnist", "lenet", ReproductionBudget.Smoke);
        // Two of the grid's configurations succeeded earlier (with measured epochs, so there is a speed to estimate from).
        var done = proposal.Runs.Where(r => r.Method != TrainingMethod.Augmentation).Take(2)
            .Select(o => store.Add(o, run =>
            {
                FakeRunStore.Succeed(run);
                run.EpochReports = [new EpochEntity { RunId = run.Id, Epoch = 1, ImagesPerSecond = 900, Seconds = 1, RecordedAt = DateTimeOffset.UtcNow }];
            })).ToList();

        var summary = await new RunFormEstimator(store).SummarizeAsync(
            new RunFormCheck(proposal.Request, proposal.Runs, new Dictionary<string, IReadOnlyList<string>>(), []));
        Assert.Equal(5, summary.Runs);
        Assert.Equal(2, summary.Reused);
        Assert.NotNull(summary.TrainingSeconds);
        Assert.Contains("2 already succeeded", summary.ReuseText);

        var queued = await new ReproductionSubmitter(store, queue, new SweepSubmitter(store)).QueueAsync(proposal);
        Assert.True(queued.Ok);
        Assert.Equal((3, 2), (queued.Queued, queued.Reused));
        Assert.Equal(3, queue.Enqueued.Count);
        var sweep = Assert.Single(store.Sweeps);
        Assert.Equal(queued.SweepId, sweep.Id);
        Assert.Equal(done.Select(d => d.Id).Order(), sweep.ReusedRunIds.Order());

        // The sweep reads back with all five runs, two of them reused.
        var set = await new SweepRuns(store).LoadAsync(sweep.Id);
        Assert.NotNull(set);
        Assert.Equal(5, set.Runs.Count);
        Assert.Equal(2, set.Reused.Count);
        Assert.False(set.IsFinished);
    }

    [Fact]
    public async Task An_invalid_proposal_queues_nothing()
    {
        var store = new FakeRunStore(_folder);
        var queue = new RecordingRunQueue(store);
        var proposal = ReproductionPlanner.Propose("fashion-mnist", "lenet", ReproductionBudget.Smoke with { Copies = 0 });
        var queued = await new ReproductionSubmitter(store, queue, new SweepSubmitter(store)).QueueAsync(proposal);
        Assert.Null(queued.SweepId);
        Assert.Contains("copies", queued.Problems.Fields);
        Assert.Empty(store.Sweeps);
        Assert.Empty(queue.Enqueued);
    }

    [Fact]
    public void Sweep_with_a_regularizer_sigma_list_trains_the_regularizer_there_and_augmentation_at_sigma()
    {
        var request = new SweepRequest
        {
            Dataset = "fashion-mnist", Methods = ["augmentation", "regularizer"], Sigma = [0.25], RegularizerSigma = [0.25, 5],
            Alpha = [1], Copies = [2],
        };
        Assert.Empty(SweepValidation.Validate(request, out var runs));
        Assert.Equal([0.25], runs.Where(r => r.Method == TrainingMethod.Augmentation).Select(r => r.Sigma));
        Assert.Equal([0.25, 5], runs.Where(r => r.Method == TrainingMethod.Regularizer).Select(r => r.Sigma));

        var bad = SweepPlanner.Validate(request with { RegularizerSigma = [-1] });
        Assert.Contains("regularizerSigma", bad.Fields);
    }
}
