using RobustLab.Training.Certification;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Loop;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>
/// Runs and sweeps that ask for certification and corruptions after training: the request is checked field by field
/// ("certify.n0", "corruptions.severities"), stored in the run's configuration, read back, and planned in order.
/// </summary>
public sealed class AfterTrainingRequestTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    [Fact]
    public async Task A_run_that_asks_for_both_stores_its_plans_and_reads_them_back()
    {
        var response = await _host.PostJsonAsync("/api/runs", """
            {"dataset": "fashion-mnist", "method": "augmentation", "sigma": 0.25, "copies": 1,
             "certify": {"n": 1000, "images": 50},
             "corruptions": {"corruptions": ["Rotate", "brightness"], "severities": [5, 1], "testSubset": 200}}
            """);

        var view = await ApiAssert.JsonAsync(response, 201);
        var config = TrainRunJob.ReadConfig((await _host.Store.GetRunAsync(view.GetProperty("id").GetGuid()))!);
        Assert.Equal(new CertificationPlan { Sigma = null, N0 = 100, N = 1000, Alpha = 0.001, Images = 50 }, config.Certify);
        Assert.Equal(new CorruptionPlan { Corruptions = "brightness,rotate", Severities = "1,5", TestSubset = 200 }, config.Corruptions);
        var certify = view.GetProperty("config").GetProperty("certify");
        Assert.Equal(1000, certify.GetProperty("n").GetInt32());
        var corruptions = view.GetProperty("config").GetProperty("corruptions");
        Assert.Equal(["brightness", "rotate"], corruptions.GetProperty("corruptions").EnumerateArray().Select(c => c.GetString()));

        // The plan: certification at the training sigma, then the corruptions; each step only while its results are missing.
        var plan = AfterTrainingPlan.Of(config);
        Assert.Equal([PostTrainingJobKind.Certify, PostTrainingJobKind.Corrupt], plan.Select(p => p.Kind));
        Assert.Equal(PostTrainingJobKind.Certify, AfterTrainingPlan.Next(config, null, FakeRunStore.SampleMetrics())!.Kind);
        var next = Assert.IsType<CorruptJobRequest>(AfterTrainingPlan.Next(config, PostTrainingJobKind.Certify, FakeRunStore.SampleMetrics()));
        Assert.Equal(["brightness", "rotate"], next.Corruptions);
        Assert.Null(AfterTrainingPlan.Next(config, PostTrainingJobKind.Corrupt, null));
        Assert.Null(AfterTrainingPlan.Next(config, PostTrainingJobKind.Attack, null)); // an attack queued by hand continues nothing
    }

    [Fact]
    public async Task A_run_without_them_has_no_plan_and_its_key_is_unchanged()
    {
        var plain = new TrainingOptions { Dataset = "mnist" };
        Assert.Empty(AfterTrainingPlan.Of(plain));
        Assert.DoesNotContain("certify", RunConfigKey.For(plain));
        Assert.NotEqual(RunConfigKey.For(plain), RunConfigKey.For(plain with { Certify = new CertificationPlan { Sigma = 0.25 } }));
        Assert.NotEqual(RunConfigKey.For(plain), RunConfigKey.For(plain with { Corruptions = new CorruptionPlan() }));
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("""{"dataset": "mnist", "certify": {}}""", "certify.sigma")] // a baseline names its sigma
    [InlineData("""{"dataset": "mnist", "certify": {"sigma": -1}}""", "certify.sigma")]
    [InlineData("""{"dataset": "mnist", "certify": {"sigma": 0.25, "n0": 0}}""", "certify.n0")]
    [InlineData("""{"dataset": "mnist", "certify": {"sigma": 0.25, "n": 20000000}}""", "certify.n")]
    [InlineData("""{"dataset": "mnist", "certify": {"sigma": 0.25, "alpha": 1}}""", "certify.alpha")]
    [InlineData("""{"dataset": "mnist", "certify": {"sigma": 0.25, "images": 0}}""", "certify.images")]
    [InlineData("""{"dataset": "mnist", "certify": {"sigma": 0.25, "samples": 3}}""", "samples")] // unknown, named as the body reader names one
    [InlineData("""{"dataset": "mnist", "corruptions": {"corruptions": ["fog"]}}""", "corruptions.corruptions")]
    [InlineData("""{"dataset": "mnist", "corruptions": {"severities": [6]}}""", "corruptions.severities")]
    [InlineData("""{"dataset": "mnist", "corruptions": {"severities": []}}""", "corruptions.severities")]
    [InlineData("""{"dataset": "mnist", "corruptions": {"testSubset": 0}}""", "corruptions.testSubset")]
    public async Task A_bad_value_is_a_400_naming_its_field_and_nothing_is_queued(string body, string field)
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/runs", body));

        Assert.Equal([field], errors.Keys);
        if (field != "samples") Assert.StartsWith(field, errors[field][0]);
        Assert.Empty(_host.Queue.Enqueued);
    }

    [Fact]
    public void A_sweep_certifies_each_run_at_its_training_sigma_and_the_baselines_at_the_smallest_listed_sigma()
    {
        var runs = SweepPlanner.Expand(new SweepRequest
        {
            Dataset = "mnist", Methods = ["baseline", "augmentation"], Sigma = [0.5, 0.25], Copies = [1],
            Certify = new CertifyAfterTraining { N = 1000 }, Corruptions = new CorruptionsAfterTraining { Severities = [3] },
        });

        Assert.Equal(3, runs.Count);
        Assert.Equal(0.25, runs.Single(r => r.Method == TrainingMethod.Baseline).Certify!.Sigma);
        Assert.All(runs.Where(r => r.Method == TrainingMethod.Augmentation), r => Assert.Null(r.Certify!.Sigma)); // their own sigma
        Assert.All(runs, r => Assert.Equal(1000, r.Certify!.N));
        Assert.All(runs, r => Assert.Equal(new CorruptionPlan { Severities = "3" }, r.Corruptions));

        var problems = SweepPlanner.Validate(new SweepRequest { Dataset = "mnist", Methods = ["baseline"], Certify = new CertifyAfterTraining() });
        Assert.Equal(["certify.sigma"], problems.Fields); // no sigma to certify a lone baseline at
    }
}
