using RobustLab.Training.Loop;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>
/// Attacks, certification and corruptions share a run's lease and its job id: while a job of any kind is queued or
/// running, a request for any kind is a 409 naming the pending job (before, an attack request did not see a pending
/// certification and overwrote its job id); once it failed or ended, the next is accepted.
/// </summary>
public sealed class PostTrainingExclusionTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    static readonly Dictionary<PostTrainingJobKind, (string Path, string Body)> Requests = new()
    {
        [PostTrainingJobKind.Attack] = ("attacks", """{"attacks": ["fgsm"]}"""),
        [PostTrainingJobKind.Certify] = ("certify", "{}"),
        [PostTrainingJobKind.Corrupt] = ("corruptions", """{"corruptions": ["brightness"]}"""),
    };

    Task<HttpResponseMessage> Post(Guid runId, PostTrainingJobKind kind) =>
        _host.PostJsonAsync($"/api/runs/{runId}/{Requests[kind].Path}", Requests[kind].Body);

    public static TheoryData<PostTrainingJobKind, PostTrainingJobKind, PostTrainingJobState> Pairs()
    {
        var data = new TheoryData<PostTrainingJobKind, PostTrainingJobKind, PostTrainingJobState>();
        foreach (var first in PostTrainingJobKinds.All)
            foreach (var second in PostTrainingJobKinds.All)
                foreach (var state in new[] { PostTrainingJobState.Queued, PostTrainingJobState.Running })
                    data.Add(first, second, state);
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task A_pending_job_of_any_kind_makes_a_request_of_any_kind_a_409_until_it_ends(
        PostTrainingJobKind first, PostTrainingJobKind second, PostTrainingJobState state)
    {
        var run = _host.Store.Add(new TrainingOptions { Dataset = "fashion-mnist", Method = TrainingMethod.Augmentation, Sigma = 0.25 },
            r => FakeRunStore.Succeed(r));
        await ApiAssert.JsonAsync(await Post(run.Id, first), 202);
        string firstJob = (await _host.Store.GetRunAsync(run.Id))!.JobId!;
        _host.Jobs.SetState(run.Id, state);

        var refused = await Post(run.Id, second);

        await ApiAssert.ProblemAsync(refused, 409);
        string body = await refused.Content.ReadAsStringAsync();
        Assert.Contains($"{first.Noun()} job {state.ToString().ToLowerInvariant()} (job {firstJob})", body);
        Assert.Single(_host.Jobs.Enqueued);
        Assert.Equal(firstJob, (await _host.Store.GetRunAsync(run.Id))!.JobId); // the pending job stays the run's job

        _host.Jobs.SetState(run.Id, PostTrainingJobState.Failed, "out of memory");
        await ApiAssert.JsonAsync(await Post(run.Id, second), 202);
        Assert.Equal(second, _host.Jobs.Enqueued.Last().Request.Kind);
    }
}
