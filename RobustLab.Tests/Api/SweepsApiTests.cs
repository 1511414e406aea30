using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>POST /api/sweeps expands the grid, reuses succeeded configurations, queues the rest and names every bad field.</summary>
public sealed class SweepsApiTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    const string Grid = """
        {"dataset": "fashion-mnist", "model": "lenet", "methods": ["baseline", "augmentation", "regularizer"],
         "sigma": [0.25, 0.5], "alpha": [1], "copies": [6], "seed": [0, 1], "epochs": 2, "trainSubset": 600, "testSubset": 200,
         "batchSize": 100, "lr": 0.001, "device": "cuda:2"}
        """;

    [Fact]
    public async Task A_sweep_expands_its_grid_and_queues_every_run_once_on_its_device_queue()
    {
        var response = await _host.PostJsonAsync("/api/sweeps", Grid);

        var sweep = await ApiAssert.JsonAsync(response, 201);
        var id = sweep.GetProperty("id").GetGuid();
        Assert.Equal($"/api/sweeps/{id}", response.Headers.Location?.OriginalString);
        // Baseline once per seed (2) + augmentation 2 sigmas x 1 N~ x 2 seeds (4) + regulariser 2 x 1 x 2 (4).
        var runs = sweep.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(10, runs.Count);
        Assert.Equal(10, sweep.GetProperty("queued").GetInt32());
        Assert.Equal(0, sweep.GetProperty("reused").GetInt32());
        Assert.All(runs, r => Assert.Equal(id, r.GetProperty("sweepId").GetGuid()));
        Assert.Equal(runs.Select(r => r.GetProperty("id").GetGuid()).Order(), _host.Queue.Enqueued.Select(e => e.RunId).Order());
        Assert.All(_host.Queue.Enqueued, e => Assert.Equal("cuda2", e.Queue));

        var back = await ApiAssert.JsonAsync(await _host.Client.GetAsync($"/api/sweeps/{id}"), 200);
        Assert.Equal(10, back.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task A_configuration_that_already_succeeded_is_reused_not_queued()
    {
        var done = _host.Store.Add(new TrainingOptions
        {
            Dataset = "fashion-mnist", Model = "lenet", Method = TrainingMethod.Regularizer, Sigma = 0.5, Alpha = 1, Seed = 1,
            Epochs = 2, TrainSubset = 600, TestSubset = 200, BatchSize = 100, LearningRate = 0.001, Device = "cpu",
        }, r => FakeRunStore.Succeed(r));

        var sweep = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/sweeps", Grid), 201);

        Assert.Equal(1, sweep.GetProperty("reused").GetInt32());
        Assert.Equal(9, sweep.GetProperty("queued").GetInt32());
        Assert.Contains(done.Id, sweep.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        Assert.DoesNotContain(done.Id, _host.Queue.Enqueued.Select(e => e.RunId));
        Assert.Equal(9, _host.Queue.Enqueued.Count);
    }

    [Fact]
    public async Task An_oversized_sweep_is_a_400_naming_sweep_and_stores_nothing()
    {
        string sigmas = string.Join(", ", Enumerable.Range(1, 40).Select(i => (i / 100.0).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        string seeds = string.Join(", ", Enumerable.Range(0, 30));
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/sweeps",
            $$"""{"dataset": "fashion-mnist", "methods": ["regularizer"], "sigma": [{{sigmas}}], "alpha": [1], "seed": [{{seeds}}]}"""));

        Assert.Contains("sweep", errors.Keys);
        Assert.Empty(_host.Store.Runs);
        Assert.Empty(_host.Store.Sweeps);
        Assert.Empty(_host.Queue.Enqueued);
    }

    [Fact]
    public async Task Every_bad_sweep_field_is_named_at_once()
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/sweeps", """
            {"dataset": "imagenet", "model": "vgg", "methods": ["regularizer", "dropout"], "sigma": [-1, "NaN"],
             "alpha": [-2], "copies": [-1], "epochs": 10001, "device": "tpu"}
            """));

        foreach (string field in new[] { "dataset", "model", "methods", "sigma", "alpha", "copies", "epochs", "device" })
            Assert.Contains(field, errors.Keys);
        Assert.Empty(_host.Store.Runs);
    }

    [Theory]
    [InlineData("{\"dataset\": \"fashion-mnist\", \"methods\": []}", "methods")]
    [InlineData("{\"dataset\": \"fashion-mnist\", \"methods\": [\"augmentation\"], \"sigma\": [0.5]}", "copies")]
    [InlineData("{\"dataset\": \"fashion-mnist\", \"methods\": [\"baseline\"], \"epochs\": 0}", "epochs")]
    [InlineData("{\"dataset\": \"fashion-mnist\", \"methods\": \"baseline\"}", "methods")]
    [InlineData("{\"dataset\": \"fashion-mnist\", \"methods\": [\"baseline\"], \"sigmas\": [0.5]}", "sigmas")]
    [InlineData("{\"methods\": [\"baseline\"]}", "dataset")]
    [InlineData("{", "body")]
    public async Task A_bad_sweep_is_a_400_naming_the_field(string json, string field)
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/sweeps", json));

        Assert.Contains(field, errors.Keys);
        Assert.Empty(_host.Store.Runs);
    }

    [Fact]
    public async Task Unknown_sweep_is_a_404_problem()
    {
        await ApiAssert.ProblemAsync(await _host.Client.GetAsync($"/api/sweeps/{Guid.NewGuid()}"), 404);
        await ApiAssert.ProblemAsync(await _host.Client.GetAsync("/api/sweeps/nope"), 404);
    }
}
