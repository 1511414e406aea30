namespace RobustLab.Tests.Api;

/// <summary>Every endpoint that takes a run id answers 404 problem details for an unknown id and for text that is not an id.</summary>
public sealed class RunNotFoundTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    public static TheoryData<string, string> Endpoints()
    {
        var data = new TheoryData<string, string>();
        foreach (string id in new[] { Guid.NewGuid().ToString(), "not-a-guid", "123", "..%2F..%2Fetc" })
        {
            data.Add("GET", $"/api/runs/{id}");
            data.Add("POST", $"/api/runs/{id}/cancel");
            data.Add("POST", $"/api/runs/{id}/retry");
            data.Add("DELETE", $"/api/runs/{id}");
            data.Add("GET", $"/api/runs/{id}/files/safetensors");
            data.Add("GET", $"/api/runs/{id}/files/torchsharp");
            data.Add("GET", $"/api/runs/{id}/files/runjson");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Unknown_run_is_a_404_problem(string method, string url)
    {
        var response = await _host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

        await ApiAssert.ProblemAsync(response, 404);
        Assert.Empty(_host.Queue.Enqueued);
        Assert.Empty(_host.Queue.Cancelled);
    }
}
