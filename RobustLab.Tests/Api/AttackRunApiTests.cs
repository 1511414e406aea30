using System.Net;
using RobustLab.Training.Attacks;
using RobustLab.Training.Loop;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>POST /api/runs/{id}/attacks: attacking a run that already succeeded, checked like a run request, one job at a time.</summary>
public sealed class AttackRunApiTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    RunEntity Succeeded(string device = "cpu") =>
        _host.Store.Add(new TrainingOptions { Dataset = "fashion-mnist", Device = device }, r => FakeRunStore.Succeed(r));

    Task<HttpResponseMessage> Attack(Guid id, string json) => _host.PostJsonAsync($"/api/runs/{id}/attacks", json);

    [Fact]
    public async Task A_succeeded_run_is_accepted_with_202_and_one_job_is_queued_on_the_runs_device_queue()
    {
        var run = Succeeded(device: "cuda:1");

        var response = await Attack(run.Id, """{"attacks": ["pgd", "FGSM"], "samples": 50}""");

        var view = await ApiAssert.JsonAsync(response, 202);
        Assert.Equal($"/api/runs/{run.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(run.Id, view.GetProperty("id").GetGuid());
        Assert.Equal("succeeded", view.GetProperty("status").GetString());
        Assert.Equal($"/api/runs/{run.Id}/attacks", view.GetProperty("links").GetProperty("attacks").GetString());
        var (runId, queue, attacks) = Assert.Single(_host.Jobs.Of<AttackJobRequest>());
        Assert.Equal(run.Id, runId);
        Assert.Equal("cuda1", queue);
        Assert.Equal(["pgd", "fgsm"], attacks.Attacks);
        Assert.Equal(50, attacks.Samples);
        Assert.Equal("attack-job-1", run.JobId);
        Assert.Empty(_host.Queue.Enqueued); // no training job
        Assert.Equal(RunStatus.Succeeded, run.Status);
    }

    [Fact]
    public async Task All_names_every_attack_and_samples_default_to_100()
    {
        var run = Succeeded();

        await ApiAssert.JsonAsync(await Attack(run.Id, """{"attacks": ["all"]}"""), 202);

        var (_, _, attacks) = Assert.Single(_host.Jobs.Of<AttackJobRequest>());
        Assert.Equal(AttackCatalog.Names, attacks.Attacks);
        Assert.Equal(100, attacks.Samples);
    }

    [Fact]
    public async Task Unknown_attacks_and_a_bad_sample_count_are_a_400_naming_attacks_and_samples()
    {
        var run = Succeeded();

        var errors = await ApiAssert.ValidationErrorsAsync(await Attack(run.Id, """{"attacks": ["fgsm", "cw"], "samples": 0}"""));
        Assert.Equal(["attacks", "samples"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("'cw'", errors["attacks"][0]);
        Assert.Contains("pgd", errors["attacks"][0]); // says which exist
        Assert.StartsWith("samples must be in [1, 10000] (got 0)", errors["samples"][0]);

        errors = await ApiAssert.ValidationErrorsAsync(await Attack(run.Id, """{"samples": 10}"""));
        Assert.Equal(["attacks"], errors.Keys);
        Assert.Contains("at least one attack", errors["attacks"][0]);

        errors = await ApiAssert.ValidationErrorsAsync(await Attack(run.Id, """{"attacks": "fgsm"}"""));
        Assert.Equal(["attacks"], errors.Keys);

        errors = await ApiAssert.ValidationErrorsAsync(await Attack(run.Id, """{"attacks": ["fgsm"], "sample": 10}"""));
        Assert.Equal(["sample"], errors.Keys); // a typo is not silently the default

        Assert.Empty(_host.Jobs.Of<AttackJobRequest>());
    }

    [Fact]
    public async Task An_unknown_run_is_a_404()
    {
        await ApiAssert.ProblemAsync(await Attack(Guid.NewGuid(), """{"attacks": ["fgsm"]}"""), 404);
        await ApiAssert.ProblemAsync(await _host.PostJsonAsync("/api/runs/nope/attacks", """{"attacks": ["fgsm"]}"""), 404);
        Assert.Empty(_host.Jobs.Of<AttackJobRequest>());
    }

    [Theory]
    [InlineData(RunStatus.Queued)]
    [InlineData(RunStatus.Running)]
    [InlineData(RunStatus.Evaluating)]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    public async Task A_run_that_has_not_succeeded_is_a_409_saying_its_status(RunStatus status)
    {
        var run = _host.Store.Add(new TrainingOptions { Dataset = "mnist" }, r => r.Status = status);

        var response = await Attack(run.Id, """{"attacks": ["fgsm"], "samples": 10}""");

        await ApiAssert.ProblemAsync(response, 409);
        Assert.Contains($"is {status.Name()}", await response.Content.ReadAsStringAsync());
        Assert.Empty(_host.Jobs.Of<AttackJobRequest>());
    }

    [Fact]
    public async Task A_second_attack_while_the_first_job_is_queued_or_running_is_a_409_and_once_it_ended_one_more_is_accepted()
    {
        var run = Succeeded();
        await ApiAssert.JsonAsync(await Attack(run.Id, """{"attacks": ["fgsm"]}"""), 202);

        var queued = await Attack(run.Id, """{"attacks": ["pgd"]}""");
        await ApiAssert.ProblemAsync(queued, 409);
        string body = await queued.Content.ReadAsStringAsync();
        Assert.Contains("An attack job for the run is in progress", body);
        Assert.Contains("attack job queued (job attack-job-1)", body);

        _host.Jobs.SetState(run.Id, PostTrainingJobState.Running);
        var running = await Attack(run.Id, """{"attacks": ["pgd"]}""");
        await ApiAssert.ProblemAsync(running, 409);
        Assert.Contains("attack job running", await running.Content.ReadAsStringAsync());
        Assert.Single(_host.Jobs.Of<AttackJobRequest>());

        _host.Jobs.SetState(run.Id, PostTrainingJobState.Failed, "fashion-mnist is missing");
        await ApiAssert.JsonAsync(await Attack(run.Id, """{"attacks": ["pgd"]}"""), 202);
        _host.Jobs.SetState(run.Id, null); // succeeded
        await ApiAssert.JsonAsync(await Attack(run.Id, """{"attacks": ["deepfool"]}"""), 202);
        Assert.Equal(3, _host.Jobs.Of<AttackJobRequest>().Count);
    }

    [Fact]
    public async Task Concurrent_requests_for_one_run_queue_one_job()
    {
        var run = Succeeded();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Attack(run.Id, """{"attacks": ["fgsm"]}""")));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Single(_host.Jobs.Of<AttackJobRequest>());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_endpoint_with_its_body()
    {
        var doc = await ApiAssert.JsonAsync(await _host.Client.GetAsync("/openapi/v1.json"), 200);

        var post = doc.GetProperty("paths").GetProperty("/api/runs/{id}/attacks").GetProperty("post");
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        var responses = post.GetProperty("responses");
        foreach (string code in new[] { "202", "400", "404", "409" })
            Assert.True(responses.TryGetProperty(code, out _), $"no {code} in {responses}");
    }
}
