using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Runs;

public sealed class SweepPlannerTests
{
    static SweepRequest Grid() => new()
    {
        Dataset = "fashion-mnist", Model = "lenet",
        Methods = ["baseline", "augmentation", "regularizer"],
        Sigma = [0.1, 0.25, 0.5], Alpha = [0.5, 1], Copies = [2, 6], Seed = [0, 1],
        Epochs = 3, TrainSubset = 600, TestSubset = 100,
    };

    [Fact]
    public void Baseline_is_added_once_per_seed_however_many_sigmas_and_alphas_are_listed()
    {
        var runs = SweepPlanner.Expand(Grid() with { Methods = ["baseline"] });
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal((TrainingMethod.Baseline, 0.0, 0.0, 0), (r.Method, r.Sigma, r.Alpha, r.Copies)));
        Assert.Equal([0, 1], runs.Select(r => r.Seed));
    }

    [Fact]
    public void A_two_seed_three_sigma_two_alpha_two_copies_grid_gives_each_method_only_its_parameters()
    {
        var runs = SweepPlanner.Expand(Grid());
        // baseline: 2 seeds; augmentation: 3 sigma x 2 N~ x 2 seeds; regulariser: 3 sigma x 2 alpha x 2 seeds.
        Assert.Equal(2 + 12 + 12, runs.Count);
        Assert.Equal(12, runs.Count(r => r.Method == TrainingMethod.Augmentation && r.Alpha == 0 && r.Copies > 0));
        Assert.Equal(12, runs.Count(r => r.Method == TrainingMethod.Regularizer && r.Copies == 0 && r.Alpha > 0));
        Assert.Equal(runs.Count, runs.Select(RunConfigKey.For).Distinct().Count());
        Assert.All(runs, r => Assert.Equal((3, 600, 100, "fashion-mnist"), (r.Epochs!.Value, r.TrainSubset!.Value, r.TestSubset!.Value, r.Dataset)));
        Assert.All(runs, r => Assert.Empty(r.Validate()));
    }

    [Fact]
    public void Repeated_values_and_methods_are_deduplicated()
    {
        var runs = SweepPlanner.Expand(Grid() with { Methods = ["regularizer", "Regularizer"], Sigma = [0.5, 0.5], Alpha = [1, 1], Seed = [3, 3] });
        Assert.Single(runs);
    }

    [Fact]
    public void Missing_seeds_mean_seed_zero()
    {
        Assert.Equal([0], SweepPlanner.Expand(Grid() with { Methods = ["baseline"], Seed = [] }).Select(r => r.Seed));
    }

    [Fact]
    public void An_oversized_sweep_is_refused_with_its_size_and_the_limit()
    {
        var request = Grid() with
        {
            Methods = ["regularizer"], Sigma = Enumerable.Range(1, 25).Select(i => i / 100.0).ToList(),
            Alpha = Enumerable.Range(1, 10).Select(i => (double)i).ToList(), Seed = [0, 1, 2, 3, 4],
        };
        Assert.Contains("1250 runs exceed the limit of 1000.", SweepPlanner.Validate(request).For("sweep"));
        var e = Assert.Throws<ArgumentException>(() => SweepPlanner.Expand(request));
        Assert.Contains("1250 runs exceed the limit of 1000", e.Message);
        Assert.Equal(1000, SweepPlanner.MaxRuns);
    }

    [Fact]
    public void Validation_names_every_bad_field()
    {
        var errors = SweepPlanner.Validate(new SweepRequest
        {
            Dataset = "", Methods = ["augmentation", "dropout"], Sigma = [-1, double.NaN], Copies = [0], Device = "tpu", Epochs = 0,
        });
        foreach (string field in new[] { "dataset", "methods", "sigma", "copies", "device", "epochs" })
            Assert.True(errors.Has(field), field);
    }

    [Fact]
    public void Methods_without_their_parameter_lists_are_reported()
    {
        var errors = SweepPlanner.Validate(new SweepRequest { Dataset = "mnist10k", Methods = ["augmentation", "regularizer"] });
        Assert.Contains("augmentation, regularizer need at least one sigma.", errors.For("sigma"));
        Assert.Contains("augmentation needs at least one N~.", errors.For("copies"));
        Assert.Contains("the regularizer needs at least one alpha.", errors.For("alpha"));
    }

    [Fact]
    public void A_list_longer_than_the_limit_is_refused_with_one_message_and_its_values_are_not_looked_at()
    {
        var sigmas = Enumerable.Range(1, 100_000).Select(i => -(double)i).ToList(); // every one out of range
        var errors = SweepValidation.Validate(Grid() with { Methods = ["regularizer"], Sigma = sigmas, Alpha = [1] });

        Assert.Equal(["sigma"], errors.Fields);
        Assert.Equal([$"sigma lists 100000 values; at most {RequestLimits.MaxListLength} are allowed."], errors.For("sigma"));
    }

    [Fact]
    public void Many_bad_values_give_at_most_the_per_field_limit_of_messages_and_count_the_rest()
    {
        var sigmas = Enumerable.Range(1, RequestLimits.MaxListLength).Select(i => -(double)i).ToList();
        var errors = SweepPlanner.Validate(Grid() with { Methods = ["regularizer"], Sigma = sigmas, Alpha = [1] });

        var messages = errors.For("sigma");
        Assert.Equal(RequestLimits.MaxProblemsPerField + 1, messages.Count);
        Assert.Equal($"... and {RequestLimits.MaxListLength - RequestLimits.MaxProblemsPerField} more problems with sigma.", messages[^1]);
    }

    [Fact]
    public void Two_models_get_the_same_grid_each_with_their_own_protocol()
    {
        var request = Grid() with
        {
            Model = null, Models = ["lenet", "resnet20", "LeNet"],
            Methods = ["baseline", "augmentation", "gaussian", "stability", "consistency", "regularizer"],
            Sigma = [0.25], Alpha = [1], Copies = [2], Seed = [0], Epochs = null,
        };

        var runs = SweepPlanner.Expand(request);

        Assert.Equal(["lenet", "resnet20"], SweepPlanner.ModelNames(request));
        Assert.Equal(2 * 6, runs.Count);
        var lenet = runs.Where(r => r.Model == "lenet").Select(r => RunConfigKey.For(r with { Model = "x" })).Order();
        var resnet = runs.Where(r => r.Model == "resnet20").Select(r => RunConfigKey.For(r with { Model = "x" })).Order();
        Assert.Equal(lenet, resnet);
        foreach (var run in runs)
        {
            var protocol = Protocol.For(run.Model);
            Assert.Equal((protocol.Epochs, protocol.BatchSize, protocol.LearningRate), (run.Resolve().Epochs, run.Resolve().BatchSize, run.Resolve().LearningRate));
        }
    }

    [Fact]
    public void The_size_limit_counts_every_model()
    {
        // 600 regulariser runs per model: fine for one model, too many for two.
        var request = Grid() with
        {
            Methods = ["regularizer"], Sigma = Enumerable.Range(1, 30).Select(i => i / 100.0).ToList(),
            Alpha = Enumerable.Range(1, 10).Select(i => (double)i).ToList(), Seed = [0, 1],
        };
        Assert.Empty(SweepPlanner.Validate(request).For("sweep"));
        Assert.Contains("1200 runs exceed the limit of 1000.", SweepPlanner.Validate(request with { Model = null, Models = ["lenet", "alexnet"] }).For("sweep"));
    }

    [Fact]
    public void Model_and_models_together_are_refused_under_models()
    {
        var problems = SweepPlanner.Validate(Grid() with { Models = ["resnet20"] });
        Assert.Equal(["models"], problems.Fields);
    }

    [Fact]
    public void Without_model_or_models_the_sweep_trains_lenet()
    {
        Assert.Equal(["lenet"], SweepPlanner.ModelNames(new SweepRequest()));
        Assert.Equal(["alexnet"], SweepPlanner.ModelNames(new SweepRequest { Model = " AlexNet ", Models = [] }));
    }
}
