using System.Net;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Loop;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>POST /api/runs/{id}/corruptions: measuring a succeeded run under common corruptions, each field checked by name.</summary>
public sealed class CorruptRunApiTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    RunEntity Succeeded(string device = "cpu") =>
        _host.Store.Add(new TrainingOptions { Dataset = "fashion-mnist", Device = device, Method = TrainingMethod.Augmentation, Sigma = 0.25 },
            r => FakeRunStore.Succeed(r));

    Task<HttpResponseMessage> Corrupt(Guid id, string json) => _host.PostJsonAsync($"/api/runs/{id}/corruptions", json);

    [Fact]
    public async Task A_succeeded_run_is_accepted_with_202_and_one_job_is_queued_on_the_runs_device_queue_with_the_request()
    {
        var run = Succeeded(device: "cuda:1");

        var response = await Corrupt(run.Id, """{"corruptions": ["Gaussian-Noise", "rotate"], "severities": [5, 1], "testSubset": 200}""");

        var view = await ApiAssert.JsonAsync(response, 202);
        Assert.Equal($"/api/runs/{run.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("succeeded", view.GetProperty("status").GetString());
        var (runId, queue, request) = Assert.Single(_host.Jobs.Of<CorruptJobRequest>());
        Assert.Equal(run.Id, runId);
        Assert.Equal("cuda1", queue);
        Assert.Equal(["gaussian_noise", "rotate"], request.Corruptions);
        Assert.Equal([1, 5], request.Severities);
        Assert.Equal(200, request.TestSubset);
        Assert.Equal("corrupt-job-1", (await _host.Store.GetRunAsync(run.Id))!.JobId);
        Assert.Empty(_host.Queue.Enqueued);
    }

    [Fact]
    public async Task An_empty_body_asks_for_every_corruption_at_every_severity_on_the_runs_own_test_images()
    {
        var run = Succeeded();

        await ApiAssert.JsonAsync(await Corrupt(run.Id, "{}"), 202);
        await ApiAssert.ProblemAsync(await Corrupt(run.Id, """{"corruptions": ["all"]}"""), 409); // one job at a time

        var (_, _, request) = Assert.Single(_host.Jobs.Of<CorruptJobRequest>());
        Assert.Equal(CorruptionCatalog.Names, request.Corruptions);
        Assert.Equal([1, 2, 3, 4, 5], request.Severities);
        Assert.Null(request.TestSubset);
    }

    [Fact]
    public async Task Bad_values_are_a_400_naming_each_field()
    {
        var run = Succeeded();

        var errors = await ApiAssert.ValidationErrorsAsync(await Corrupt(run.Id,
            """{"corruptions": ["fog"], "severities": [0, 6], "testSubset": 0}"""));

        Assert.Equal(["corruptions", "severities", "testSubset"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("'fog'", errors["corruptions"][0]);
        Assert.Contains("gaussian_noise", errors["corruptions"][0]); // says which exist
        Assert.Contains("0 is outside 1-5", string.Join(" ", errors["severities"]));
        Assert.Contains("6 is outside 1-5", string.Join(" ", errors["severities"]));
        Assert.StartsWith("testSubset must be in [1, ", errors["testSubset"][0]);

        errors = await ApiAssert.ValidationErrorsAsync(await Corrupt(run.Id, """{"corruptions": [], "severities": []}"""));
        Assert.Equal(["corruptions", "severities"], errors.Keys.Order(StringComparer.Ordinal));
        errors = await ApiAssert.ValidationErrorsAsync(await Corrupt(run.Id, """{"severity": [1]}"""));
        Assert.Equal(["severity"], errors.Keys); // a typo is not silently the default
        Assert.Empty(_host.Jobs.Enqueued);
    }

    [Fact]
    public async Task An_unknown_run_is_a_404_and_a_run_that_has_not_succeeded_is_a_409()
    {
        await ApiAssert.ProblemAsync(await Corrupt(Guid.NewGuid(), "{}"), 404);
        await ApiAssert.ProblemAsync(await _host.PostJsonAsync("/api/runs/nope/corruptions", "{}"), 404);
        var running = _host.Store.Add(new TrainingOptions { Dataset = "mnist" }, r => r.Status = RunStatus.Running);

        var response = await Corrupt(running.Id, "{}");

        await ApiAssert.ProblemAsync(response, 409);
        Assert.Contains("is running", await response.Content.ReadAsStringAsync());
        Assert.Empty(_host.Jobs.Enqueued);
    }

    [Fact]
    public async Task Concurrent_requests_for_one_run_queue_one_job()
    {
        var run = Succeeded();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Corrupt(run.Id, "{}")));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Single(_host.Jobs.Enqueued);
    }
}
