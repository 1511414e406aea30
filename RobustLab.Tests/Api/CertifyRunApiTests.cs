using System.Net;
using RobustLab.Training.Loop;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>POST /api/runs/{id}/certify: certifying a run that already succeeded, each field checked by name, one job at a time.</summary>
public sealed class CertifyRunApiTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    RunEntity Succeeded(double sigma = 0.25, string device = "cpu") =>
        _host.Store.Add(new TrainingOptions
        {
            Dataset = "fashion-mnist", Device = device, Method = sigma > 0 ? TrainingMethod.Augmentation : TrainingMethod.Baseline, Sigma = sigma,
        }, r => FakeRunStore.Succeed(r));

    Task<HttpResponseMessage> Certify(Guid id, string json) => _host.PostJsonAsync($"/api/runs/{id}/certify", json);

    [Fact]
    public async Task A_succeeded_run_is_accepted_with_202_and_one_job_is_queued_on_the_runs_device_queue_with_the_request()
    {
        var run = Succeeded(device: "cuda:1");

        var response = await Certify(run.Id, """{"sigma": [0.5, 0.25], "n0": 10, "n": 100, "alpha": 0.01, "images": 20}""");

        var view = await ApiAssert.JsonAsync(response, 202);
        Assert.Equal($"/api/runs/{run.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("succeeded", view.GetProperty("status").GetString());
        var (runId, queue, options) = Assert.Single(_host.Jobs.Of<CertifyJobRequest>());
        Assert.Equal(run.Id, runId);
        Assert.Equal("cuda1", queue);
        Assert.Equal([0.5, 0.25], options.Sigmas!);
        Assert.Equal((10, 100, 0.01, 20), (options.N0, options.N, options.Alpha, options.Images));
        Assert.Equal("certify-job-1", run.JobId);
        Assert.Empty(_host.Queue.Enqueued);
        Assert.Empty(_host.Jobs.Of<AttackJobRequest>());
    }

    [Fact]
    public async Task An_empty_body_takes_the_defaults_and_the_runs_training_sigma()
    {
        var run = Succeeded(sigma: 0.5);

        await ApiAssert.JsonAsync(await Certify(run.Id, "{}"), 202);

        var (_, _, options) = Assert.Single(_host.Jobs.Of<CertifyJobRequest>());
        Assert.Null(options.Sigmas); // the job resolves it to the run's training sigma
        Assert.Equal((100, 10_000, 0.001, 500), (options.N0, options.N, options.Alpha, options.Images));
    }

    [Fact]
    public async Task A_baseline_without_a_sigma_is_a_400_naming_sigma()
    {
        var run = Succeeded(sigma: 0);

        var errors = await ApiAssert.ValidationErrorsAsync(await Certify(run.Id, "{}"));

        Assert.Equal(["sigma"], errors.Keys);
        Assert.Contains("trained without noise", errors["sigma"][0]);
        await ApiAssert.JsonAsync(await Certify(run.Id, """{"sigma": [0.25]}"""), 202);
    }

    [Fact]
    public async Task Bad_values_are_a_400_naming_each_field_with_its_range()
    {
        var run = Succeeded();

        var errors = await ApiAssert.ValidationErrorsAsync(await Certify(run.Id,
            """{"sigma": [0.25, -1], "n0": 0, "n": 20000000, "alpha": 1, "images": 0}"""));

        Assert.Equal(["alpha", "images", "n", "n0", "sigma"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("sigma must be a number > 0 (got -1)", errors["sigma"][0]);
        Assert.StartsWith("n0 must be in [1, 10000000] (got 0)", errors["n0"][0]);
        Assert.StartsWith("n must be in [1, 10000000] (got 20000000)", errors["n"][0]);
        Assert.StartsWith("alpha must be in (0, 1) (got 1)", errors["alpha"][0]);
        Assert.StartsWith("images must be >= 1 (got 0)", errors["images"][0]);

        errors = await ApiAssert.ValidationErrorsAsync(await Certify(run.Id, """{"sigma": 0.25}"""));
        Assert.Equal(["sigma"], errors.Keys); // a list, not a number
        errors = await ApiAssert.ValidationErrorsAsync(await Certify(run.Id, """{"samples": 10}"""));
        Assert.Equal(["samples"], errors.Keys); // a typo is not silently the default
        Assert.Empty(_host.Jobs.Of<CertifyJobRequest>());
    }

    [Fact]
    public async Task An_unknown_run_is_a_404()
    {
        await ApiAssert.ProblemAsync(await Certify(Guid.NewGuid(), "{}"), 404);
        await ApiAssert.ProblemAsync(await _host.PostJsonAsync("/api/runs/nope/certify", "{}"), 404);
        Assert.Empty(_host.Jobs.Of<CertifyJobRequest>());
    }

    [Theory]
    [InlineData(RunStatus.Queued)]
    [InlineData(RunStatus.Running)]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    public async Task A_run_that_has_not_succeeded_is_a_409_saying_its_status(RunStatus status)
    {
        var run = _host.Store.Add(new TrainingOptions { Dataset = "mnist", Method = TrainingMethod.Augmentation, Sigma = 0.25 }, r => r.Status = status);

        var response = await Certify(run.Id, "{}");

        await ApiAssert.ProblemAsync(response, 409);
        Assert.Contains($"is {status.Name()}", await response.Content.ReadAsStringAsync());
        Assert.Empty(_host.Jobs.Of<CertifyJobRequest>());
    }

    [Fact]
    public async Task A_run_being_certified_or_attacked_is_a_409_and_once_the_job_ended_one_more_is_accepted()
    {
        var run = Succeeded();
        await ApiAssert.JsonAsync(await Certify(run.Id, "{}"), 202);

        var queued = await Certify(run.Id, "{}");
        await ApiAssert.ProblemAsync(queued, 409);
        Assert.Contains("certification job queued (job certify-job-1)", await queued.Content.ReadAsStringAsync());
        _host.Jobs.SetState(run.Id, PostTrainingJobState.Running);
        await ApiAssert.ProblemAsync(await Certify(run.Id, "{}"), 409);
        _host.Jobs.SetState(run.Id, null); // succeeded

        await ApiAssert.JsonAsync(await _host.PostJsonAsync($"/api/runs/{run.Id}/attacks", """{"attacks": ["fgsm"]}"""), 202);
        var attacked = await Certify(run.Id, "{}");
        await ApiAssert.ProblemAsync(attacked, 409);
        Assert.Contains("attack job queued (job attack-job-1)", await attacked.Content.ReadAsStringAsync());
        _host.Jobs.SetState(run.Id, PostTrainingJobState.Failed, "fashion-mnist is missing");

        await ApiAssert.JsonAsync(await Certify(run.Id, "{}"), 202);
        Assert.Equal(2, _host.Jobs.Of<CertifyJobRequest>().Count);
    }

    [Fact]
    public async Task Concurrent_requests_for_one_run_queue_one_job()
    {
        var run = Succeeded();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Certify(run.Id, "{}")));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Single(_host.Jobs.Of<CertifyJobRequest>());
    }
}
