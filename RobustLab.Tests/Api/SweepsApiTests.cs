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
    [InlineData("{\"dataset\": \"fashion-mnist\", \"methods\": [\"baseline\"], \"model\": \"lenet\", \"models\": [\"lenet\", \"resnet20\"]}", "models")]
    [InlineData("{\"dataset\": \"fashion-mnist\", \"methods\": [\"baseline\"], \"models\": [\"lenet\", \"\"]}", "models")]
    [InlineData("{\"dataset\": \"fashion-mnist\", \"methods\": [\"baseline\"], \"models\": \"lenet\"}", "models")]
    [InlineData("{", "body")]
    public async Task A_bad_sweep_is_a_400_naming_the_field(string json, string field)
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/sweeps", json));

        Assert.Contains(field, errors.Keys);
        Assert.Empty(_host.Store.Runs);
    }

    [Fact]
    public async Task A_sweep_over_two_models_makes_the_grid_once_per_model_with_each_models_protocol()
    {
        // Six methods, one sigma: baseline 1 + augmentation 1 (one N~) + regularizer 1 + gaussian 1 + stability 1 +
        // consistency 1 = 6 settings per model.
        var response = await _host.PostJsonAsync("/api/sweeps", """
            {"dataset": "fashion-mnist", "models": ["lenet", "resnet20"],
             "methods": ["baseline", "augmentation", "gaussian", "stability", "consistency", "regularizer"],
             "sigma": [0.25], "alpha": [1], "copies": [2], "trainSubset": 200, "testSubset": 100}
            """);

        var sweep = await ApiAssert.JsonAsync(response, 201);
        Assert.Equal("lenet,resnet20", sweep.GetProperty("model").GetString());
        Assert.Equal(new[] { "lenet", "resnet20" }, sweep.GetProperty("models").EnumerateArray().Select(m => m.GetString()!));
        var runs = sweep.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(2 * 6, runs.Count);
        Assert.Equal(12, _host.Queue.Enqueued.Count);
        foreach (string model in new[] { "lenet", "resnet20" })
        {
            var ofModel = _host.Store.Runs.Where(r => runs.Contains(r.Id) && r.Model == model).ToList();
            Assert.Equal(new[] { "augmentation", "baseline", "consistency", "gaussian", "regularizer", "stability" },
                ofModel.Select(r => r.Method.Name()).Order());
            // Nothing given for epochs, batch and learning rate: each run resolves them to its own model's protocol.
            var protocol = Protocol.For(model);
            Assert.All(ofModel, r => Assert.Equal((protocol.Epochs, protocol.BatchSize, protocol.LearningRate),
                (r.ReadOptions()!.Resolve().Epochs, r.ReadOptions()!.Resolve().BatchSize, r.ReadOptions()!.Resolve().LearningRate)));
        }
        Assert.NotEqual(Protocol.For("lenet").LearningRate, Protocol.For("resnet20").LearningRate);

        var back = await ApiAssert.JsonAsync(await _host.Client.GetAsync($"/api/sweeps/{sweep.GetProperty("id").GetGuid()}"), 200);
        Assert.Equal(new[] { "lenet", "resnet20" }, back.GetProperty("models").EnumerateArray().Select(m => m.GetString()!));
        Assert.Equal(12, back.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task One_model_as_model_or_as_models_makes_the_same_sweep()
    {
        var one = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/sweeps",
            """{"dataset": "fashion-mnist", "model": "resnet20", "methods": ["baseline"], "trainSubset": 200}"""), 201);
        var listed = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/sweeps",
            """{"dataset": "fashion-mnist", "models": ["resnet20"], "methods": ["baseline"], "trainSubset": 200, "seed": [1]}"""), 201);

        Assert.Equal("resnet20", one.GetProperty("model").GetString());
        Assert.Equal("resnet20", listed.GetProperty("model").GetString());
        Assert.Equal(new[] { "resnet20" }, one.GetProperty("models").EnumerateArray().Select(m => m.GetString()!));
        Assert.All(_host.Store.Runs, r => Assert.Equal("resnet20", r.Model));
    }

    [Fact]
    public async Task Unknown_models_are_a_400_naming_models_and_each_unknown_name()
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/sweeps",
            """{"dataset": "fashion-mnist", "models": ["lenet", "vgg", "resnet50"], "methods": ["baseline"]}"""));

        var messages = string.Join(" ", errors["models"]);
        Assert.Contains("unknown model 'vgg'", messages);
        Assert.Contains("unknown model 'resnet50'", messages);
        Assert.DoesNotContain("model", errors.Keys);
        Assert.Empty(_host.Store.Runs);
        Assert.Empty(_host.Store.Sweeps);
    }

    [Fact]
    public async Task Model_and_models_together_are_refused_with_a_message_naming_both()
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/sweeps",
            """{"dataset": "fashion-mnist", "model": "lenet", "models": ["resnet20"], "methods": ["baseline"]}"""));

        Assert.Equal(new[] { "models" }, errors.Keys);
        Assert.Contains("either model (one) or models (a list), not both", errors["models"][0]);
        Assert.Empty(_host.Queue.Enqueued);
    }

    [Fact]
    public async Task Unknown_sweep_is_a_404_problem()
    {
        await ApiAssert.ProblemAsync(await _host.Client.GetAsync($"/api/sweeps/{Guid.NewGuid()}"), 404);
        await ApiAssert.ProblemAsync(await _host.Client.GetAsync("/api/sweeps/nope"), 404);
    }
}
