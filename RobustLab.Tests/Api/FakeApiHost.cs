using RobustLab.Web.Security;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RobustLab.Tests.Artifacts;
using RobustLab.Tests.Loop;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Api;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>
/// The API alone (<see cref="RunsApi.AddRunsApi"/> + <see cref="RunsApi.MapRunsApi"/>) on a test server, over an
/// in-memory store and recording queues: fast, no database, no training. The real app is in <see cref="RunsApiEndToEndTests"/>.
/// </summary>
public sealed class FakeApiHost : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly TempFolder _folder = new();

    public FakeRunStore Store { get; }
    public RecordingRunQueue Queue { get; }
    /// <summary>The jobs after training (attacks, certification, corruptions) the API queued.</summary>
    public RecordingPostTrainingQueue Jobs { get; }
    public HttpClient Client { get; }
    /// <summary>The server's files: run folders only, or (with an artifact store) the store through this data folder's caches.</summary>
    public RunArtifacts Artifacts { get; }

    FakeApiHost(IArtifactStore? artifacts)
    {
        Store = new FakeRunStore(_folder.Path);
        Queue = new RecordingRunQueue(Store);
        Jobs = new RecordingPostTrainingQueue(Store);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<IRunStore>(Store);
        // With a store the server's data folder is not the one the runs' RunDir points into: no run folder is here.
        Artifacts = artifacts is null ? MemoryArtifactStore.RunFolders(_folder.Path) : new RunArtifacts(
            new StorageOptions { DataFolder = _folder.Sub("server"), Artifacts = ArtifactLocation.Database }, artifacts,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<RunArtifacts>.Instance);
        builder.Services.AddSingleton(Artifacts);
        builder.Services.AddSingleton<IRunQueue>(Queue);
        builder.Services.AddSingleton<SweepSubmitter>();
        builder.Services.AddSingleton<IPostTrainingQueue>(Jobs);
        builder.Services.AddSingleton<RunEvents>();
        builder.Services.AddPostTrainingJobs();
        builder.Services.AddRunsApi();
        builder.Services.AddOptions<SecurityOptions>();
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.UseMiddleware<CrossSiteRequests>(); // the app's content-type and origin rules apply to the API in front of it
        _app.MapRunsApi();
        _app.Start();
        Client = _app.GetTestClient();
    }

    public static FakeApiHost Start(IArtifactStore? artifacts = null) => new(artifacts);

    public Task<HttpResponseMessage> PostJsonAsync(string url, string json) =>
        Client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>Reading the API's answers in tests.</summary>
public static class ApiAssert
{
    /// <summary>Asserts a 400 validation problem and returns its 'errors' field names.</summary>
    public static async Task<IReadOnlyDictionary<string, string[]>> ValidationErrorsAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(400, json.RootElement.GetProperty("status").GetInt32());
        return json.RootElement.GetProperty("errors").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    public static async Task ProblemAsync(HttpResponseMessage response, int status)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(status, json.RootElement.GetProperty("status").GetInt32());
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, int status)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
