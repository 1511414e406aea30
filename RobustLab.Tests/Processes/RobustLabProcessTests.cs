using RobustLab.Tests.Loop;
using System.Net;
using System.Text.Json;

namespace RobustLab.Tests.Processes;

/// <summary>The real robustlab binary as a child process: a CLI verb, a served /healthz, and SIGKILL.</summary>
public sealed class RobustLabProcessTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Runs_datasets_json_and_captures_its_stdout()
    {
        await using var process = RobustLabProcess.Start("datasets", "--json");

        int exitCode = await process.WaitForExitAsync(Timeout);

        Assert.True(exitCode == 0, process.Output);
        using var json = JsonDocument.Parse(process.Stdout);
        var names = json.RootElement.GetProperty("datasets").EnumerateArray().Select(d => d.GetProperty("name").GetString()).ToList();
        Assert.Contains("fashion-mnist", names);
        Assert.Contains("mnist10k", names);
    }

    [Fact]
    public async Task A_bad_command_line_exits_with_2_and_its_stderr_is_captured()
    {
        await using var process = RobustLabProcess.Start("no-such-verb");

        Assert.Equal(2, await process.WaitForExitAsync(Timeout));
        Assert.StartsWith("error: ", process.Stderr);
        Assert.Contains("[stderr] error: ", process.Output);
    }

    [Fact]
    public async Task Serve_on_a_free_port_answers_healthz_and_dies_from_SIGKILL_with_137()
    {
        using var data = new Loop.TempFolder();
        await using var serve = await RobustLabProcess.StartServeAsync(
            new Dictionary<string, string?> { ["Storage__DataFolder"] = data.Path }, workingDirectory: data.Path);

        using (var http = serve.CreateHttpClient())
        using (var response = await http.GetAsync("healthz"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("127.0.0.1", serve.BaseAddress!.Host);

        serve.Kill();
        int exitCode = await serve.WaitForExitAsync(TimeSpan.FromSeconds(10));

        Assert.True(exitCode == RobustLabProcess.KilledExitCode, $"exit code {exitCode}, expected 137 (SIGKILL)\n{serve.Output}");
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => probe.GetAsync(new Uri(serve.BaseAddress, "healthz")));
    }
}
