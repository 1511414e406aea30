using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using RobustLab.Tests.Loop;
using RobustLab.Web.Security;

namespace RobustLab.Tests.Security;

/// <summary>The real app (Program) bound to a public address: every surface needs credentials, /healthz stays open.</summary>
public sealed class ProgramAuthenticationTests : IDisposable
{
    readonly TempFolder _folder = new();
    static readonly string Token = ApiTokens.Generate();

    sealed class PublicApp(string dataFolder) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("urls", "http://0.0.0.0:5999");
            builder.UseSetting("Storage:DataFolder", dataFolder);
            builder.UseSetting("Workers:InProcess", "false");
            builder.UseSetting("Security:Accounts:0:User", "alice");
            builder.UseSetting("Security:Accounts:0:PasswordHash", PasswordHashing.Hash("correct horse"));
            builder.UseSetting("Security:ApiTokens:0:Name", "ci");
            builder.UseSetting("Security:ApiTokens:0:TokenHash", ApiTokens.Hash(Token));
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }

    [Fact]
    public async Task Public_binding_requires_credentials_for_api_dashboard_hangfire_and_downloads()
    {
        await using var app = new PublicApp(_folder.Path);
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/runs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/runs/{Guid.NewGuid()}/files/safetensors")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/results.csv")).StatusCode);
        foreach (var page in new[] { "/", "/new", "/hangfire" })
        {
            var response = await client.GetAsync(page);
            Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found, $"{page}: {response.StatusCode}");
            Assert.Contains("/login", response.Headers.Location!.ToString());
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/runs")).StatusCode);
    }

    [Fact]
    public async Task Public_binding_without_accounts_refuses_to_start_with_one_line_naming_the_setting()
    {
        var env = new Dictionary<string, string?> { ["Storage__DataFolder"] = _folder.Path, ["Workers__InProcess"] = "false" };
        await using var serve = RobustLab.Tests.Processes.RobustLabProcess.Start(
            ["serve", "--urls", $"http://0.0.0.0:{RobustLab.Tests.Processes.LoopbackPort.GetFree()}"], env);
        int exit = await serve.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, exit);
        var errors = serve.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:")).ToList();
        Assert.Single(errors);
        Assert.Contains("Security:Accounts", errors[0]);
        Assert.DoesNotContain("   at ", serve.Stderr);
        // Nothing else on either stream: no log line, no "Hosting failed to start" with a stack trace on stdout.
        Assert.True(serve.Stdout.Trim().Length == 0, $"stdout should be empty:\n{serve.Stdout}");
        Assert.Equal(errors, serve.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    public void Dispose() => _folder.Dispose();
}
