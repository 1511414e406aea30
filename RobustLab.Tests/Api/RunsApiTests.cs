using System.Net;
using System.Text.Json;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>The run endpoints over the in-memory store: submission, views, filters, cancel, retry and delete.</summary>
public sealed class RunsApiTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    static readonly TrainingOptions Regularizer = new()
    {
        Dataset = "fashion-mnist", Model = "lenet", Method = TrainingMethod.Regularizer, Sigma = 0.5, Alpha = 1,
        Epochs = 3, TrainSubset = 600, TestSubset = 200, BatchSize = 100, LearningRate = 1e-3, Seed = 4,
    };

    [Fact]
    public async Task Created_run_is_stored_enqueued_exactly_once_on_its_device_queue_and_answered_201_with_location()
    {
        var response = await _host.PostJsonAsync("/api/runs", """
            {"dataset": "fashion-mnist", "model": "lenet", "method": "regularizer", "sigma": 0.5, "alpha": 1,
             "epochs": 2, "trainSubset": 600, "testSubset": 200, "batchSize": 100, "lr": 0.001, "seed": 7, "device": "cuda:1"}
            """);

        var view = await ApiAssert.JsonAsync(response, 201);
        var id = view.GetProperty("id").GetGuid();
        Assert.Equal($"/api/runs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("queued", view.GetProperty("status").GetString());
        Assert.Equal("cuda1", view.GetProperty("queue").GetString());
        var config = view.GetProperty("config");
        Assert.Equal("regularizer", config.GetProperty("method").GetString());
        Assert.Equal(0.5, config.GetProperty("sigma").GetDouble());
        Assert.Equal(0.001, config.GetProperty("lr").GetDouble());
        Assert.Equal(600, config.GetProperty("trainSubset").GetInt32());
        Assert.Equal(7, config.GetProperty("seed").GetInt32());
        Assert.Equal("cuda:1", config.GetProperty("device").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("metrics").ValueKind);

        var stored = Assert.Single(_host.Store.Runs);
        Assert.Equal(id, stored.Id);
        Assert.Equal(1, _host.Store.CreateCalls);
        Assert.Equal([(id, "cuda1")], _host.Queue.Enqueued);
        Assert.Equal("job-1", stored.JobId);
    }

    [Fact]
    public async Task Omitted_options_take_the_cli_defaults()
    {
        var view = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/runs", """{"dataset": "mnist10k"}"""), 201);

        var config = view.GetProperty("config");
        Assert.Equal("lenet", config.GetProperty("model").GetString());
        Assert.Equal("baseline", config.GetProperty("method").GetString());
        Assert.Equal("cpu", config.GetProperty("device").GetString());
        Assert.Equal(JsonValueKind.Null, config.GetProperty("epochs").ValueKind); // the protocol decides
        Assert.Equal(100, view.GetProperty("epochs").GetInt32());
    }

    [Fact]
    public async Task A_succeeded_run_reads_back_with_status_config_metrics_curve_and_epoch_reports()
    {
        var run = _host.Store.Add(Regularizer, r =>
        {
            FakeRunStore.Succeed(r);
            r.EpochReports.AddRange(Enumerable.Range(1, 3).Select(e => new EpochEntity
            {
                RunId = r.Id, Epoch = e, TrainLoss = 1.0 / e, TrainAccuracy = 0.5 + e / 10.0, ValidationLoss = double.NaN,
                ValidationAccuracy = 0.6, LearningRate = 1e-3, Seconds = 2, ImagesPerSecond = 300, IsBest = e == 3,
            }));
        });

        var view = await ApiAssert.JsonAsync(await _host.Client.GetAsync($"/api/runs/{run.Id}"), 200);

        Assert.Equal(run.Id, view.GetProperty("id").GetGuid());
        Assert.Equal("succeeded", view.GetProperty("status").GetString());
        Assert.Equal(3, view.GetProperty("epoch").GetInt32());
        Assert.Equal(3, view.GetProperty("epochs").GetInt32());
        Assert.Equal("regularizer", view.GetProperty("config").GetProperty("method").GetString());
        var metrics = view.GetProperty("metrics");
        foreach (string field in new[] { "testAccuracy", "testImages", "gnr", "gnrMean", "gnrCurve", "momentAccuracy", "momentGap",
                                         "momentSigma", "momentGapImages", "momentGapSamples", "seed" })
            Assert.True(metrics.TryGetProperty(field, out _), field);
        Assert.Equal(0.875, metrics.GetProperty("testAccuracy").GetDouble());
        var curve = metrics.GetProperty("gnrCurve").EnumerateArray().ToList();
        Assert.Equal(3, curve.Count);
        Assert.Equal(0.25, curve[1].GetProperty("sigma").GetDouble());
        Assert.Equal(0.8, curve[1].GetProperty("consistency").GetDouble());
        var epochs = view.GetProperty("epochReports").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], epochs.Select(e => e.GetProperty("epoch").GetInt32()));
        Assert.Equal("NaN", epochs[0].GetProperty("validationLoss").GetString()); // a diverged loss still serialises
        Assert.True(epochs[2].GetProperty("isBest").GetBoolean());
    }

    [Fact]
    public async Task List_filters_by_dataset_model_method_status_and_sweep_and_pages()
    {
        var sweep = Guid.NewGuid();
        var done = _host.Store.Add(Regularizer, r => FakeRunStore.Succeed(r), sweep);
        var queued = _host.Store.Add(Regularizer with { Method = TrainingMethod.Baseline, Sigma = 0, Alpha = 0 });
        var alex = _host.Store.Add(Regularizer with { Model = "alexnet", Dataset = "cifar10" });

        async Task<Guid[]> Ids(string query) =>
            (await ApiAssert.JsonAsync(await _host.Client.GetAsync("/api/runs" + query), 200)).EnumerateArray()
            .Select(v => v.GetProperty("id").GetGuid()).Order().ToArray();

        Assert.Equal(new[] { done.Id, queued.Id, alex.Id }.Order(), await Ids(""));
        Assert.Equal([done.Id], await Ids("?status=succeeded"));
        Assert.Equal([queued.Id], await Ids("?method=baseline"));
        Assert.Equal([alex.Id], await Ids("?dataset=cifar10&model=alexnet"));
        Assert.Equal([done.Id], await Ids($"?sweepId={sweep}"));
        Assert.Single(await Ids("?take=1"));
        Assert.Equal(2, (await Ids("?skip=1")).Length);
    }

    [Theory]
    [InlineData("?status=done", "status")]
    [InlineData("?method=dropout", "method")]
    [InlineData("?sweepId=abc", "sweepId")]
    [InlineData("?take=0", "take")]
    [InlineData("?skip=-1", "skip")]
    public async Task List_with_a_bad_filter_is_a_400_naming_it(string query, string name)
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.Client.GetAsync("/api/runs" + query));
        Assert.Equal([name], errors.Keys);
    }

    [Fact]
    public async Task Cancelling_a_queued_run_cancels_it_at_once()
    {
        var run = _host.Store.Add(Regularizer);

        var view = await ApiAssert.JsonAsync(await _host.Client.PostAsync($"/api/runs/{run.Id}/cancel", null), 200);

        Assert.Equal("cancelled", view.GetProperty("status").GetString());
        Assert.Equal([run.Id], _host.Queue.Cancelled);
    }

    [Fact]
    public async Task Cancelling_a_running_run_is_accepted_and_requests_the_stop()
    {
        var run = _host.Store.Add(Regularizer, r => { r.Status = RunStatus.Running; r.Epoch = 1; });

        var view = await ApiAssert.JsonAsync(await _host.Client.PostAsync($"/api/runs/{run.Id}/cancel", null), 202);

        Assert.Equal("running", view.GetProperty("status").GetString());
        Assert.True(view.GetProperty("cancelRequested").GetBoolean());
    }

    [Fact]
    public async Task Cancelling_a_succeeded_run_is_a_409()
    {
        var run = _host.Store.Add(Regularizer, r => FakeRunStore.Succeed(r));

        await ApiAssert.ProblemAsync(await _host.Client.PostAsync($"/api/runs/{run.Id}/cancel", null), 409);
        Assert.Empty(_host.Queue.Cancelled);
    }

    [Theory]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    public async Task Retrying_a_failed_or_cancelled_run_queues_it_again(RunStatus status)
    {
        var run = _host.Store.Add(Regularizer, r => { r.Status = status; r.Error = "boom"; });

        var response = await _host.Client.PostAsync($"/api/runs/{run.Id}/retry", null);

        var view = await ApiAssert.JsonAsync(response, 202);
        Assert.Equal("queued", view.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("error").ValueKind);
        Assert.Equal([(run.Id, "cpu")], _host.Queue.Enqueued);
    }

    [Theory]
    [InlineData(RunStatus.Queued)]
    [InlineData(RunStatus.Running)]
    [InlineData(RunStatus.Succeeded)]
    public async Task Retrying_a_run_that_did_not_fail_is_a_409(RunStatus status)
    {
        var run = _host.Store.Add(Regularizer, r => r.Status = status);

        await ApiAssert.ProblemAsync(await _host.Client.PostAsync($"/api/runs/{run.Id}/retry", null), 409);
        Assert.Empty(_host.Queue.Enqueued);
    }

    [Fact]
    public async Task Deleting_a_finished_run_removes_it_and_its_folder()
    {
        var run = _host.Store.Add(Regularizer, r => FakeRunStore.Succeed(r));
        Directory.CreateDirectory(run.RunDir!);
        File.WriteAllText(Path.Combine(run.RunDir!, "run.json"), "{}");

        var response = await _host.Client.DeleteAsync($"/api/runs/{run.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(_host.Store.Runs);
        Assert.False(Directory.Exists(run.RunDir));
        await ApiAssert.ProblemAsync(await _host.Client.GetAsync($"/api/runs/{run.Id}"), 404);
    }

    [Fact]
    public async Task Deleting_a_queued_run_removes_it_its_waiting_job_and_its_folder()
    {
        var created = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/runs",
            """{"dataset":"fashion-mnist","method":"regularizer","sigma":0.25,"alpha":1,"epochs":2}"""), 201);
        var id = Guid.Parse(created.GetProperty("id").GetString()!);
        var run = (await _host.Store.GetRunAsync(id))!;
        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.Contains(run.JobId!, _host.Queue.Waiting.Keys);
        Directory.CreateDirectory(run.RunDir!);

        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync($"/api/runs/{id}")).StatusCode);

        Assert.Null(await _host.Store.GetRunAsync(id));
        Assert.DoesNotContain(run.JobId!, _host.Queue.Waiting.Keys);
        Assert.False(Directory.Exists(run.RunDir));
    }

    [Fact]
    public async Task Deleting_a_queued_run_that_a_worker_just_took_is_a_409_and_keeps_it_and_its_job()
    {
        var run = _host.Store.Add(Regularizer);
        await _host.Queue.EnqueueAsync(run);
        Assert.True(await _host.Store.TryAcquireLeaseAsync(run.Id, "worker-a", TimeSpan.FromMinutes(2))); // still Queued

        var response = await _host.Client.DeleteAsync($"/api/runs/{run.Id}");

        await ApiAssert.ProblemAsync(response, 409);
        Assert.Contains("held by a worker", await response.Content.ReadAsStringAsync());
        Assert.NotNull(await _host.Store.GetRunAsync(run.Id));
        Assert.Contains(run.JobId!, _host.Queue.Waiting.Keys);
    }

    [Theory]
    [InlineData(RunStatus.Running)]
    [InlineData(RunStatus.Evaluating)]
    public async Task Deleting_a_running_run_is_a_409_and_keeps_it(RunStatus status)
    {
        var run = _host.Store.Add(Regularizer, r => r.Status = status);
        Directory.CreateDirectory(run.RunDir!);

        await ApiAssert.ProblemAsync(await _host.Client.DeleteAsync($"/api/runs/{run.Id}"), 409);

        Assert.Single(_host.Store.Runs);
        Assert.True(Directory.Exists(run.RunDir));
    }

    [Fact]
    public async Task Deleting_a_run_whose_folder_is_not_named_after_it_leaves_that_folder_alone()
    {
        string other = Path.Combine(_host.Store.DataFolder, "precious");
        Directory.CreateDirectory(other);
        var run = _host.Store.Add(Regularizer, r => { FakeRunStore.Succeed(r); r.RunDir = other; });

        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync($"/api/runs/{run.Id}")).StatusCode);

        Assert.True(Directory.Exists(other));
    }

    [Fact]
    public async Task The_openapi_document_lists_every_endpoint()
    {
        var doc = await ApiAssert.JsonAsync(await _host.Client.GetAsync("/openapi/v1.json"), 200);

        var paths = doc.GetProperty("paths");
        foreach (string path in new[] { "/api/runs", "/api/runs/{id}", "/api/runs/{id}/cancel", "/api/runs/{id}/retry",
                                        "/api/runs/{id}/files/{kind}", "/api/results.csv", "/api/sweeps" })
            Assert.True(paths.TryGetProperty(path, out _), path);
        Assert.True(paths.GetProperty("/api/runs").TryGetProperty("post", out var post));
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
    }
}
