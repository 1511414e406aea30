using System.Net;
using System.Text;
using Microsoft.Playwright;
using RobustLab.Tests.Browser;
using RobustLab.Web.Security;
using Xunit.Abstractions;

namespace RobustLab.Tests.Security;

/// <summary>
/// The real binary on its loopback default (no login), probed over HTTP as another site would and opened in headless
/// Chromium as the user would (issue 11, items 2, 4 and 6): the app's Content-Security-Policy on every kind of response,
/// cross-site requests and foreign Host headers refused, bad logins answered 400 without an exception in the log, and
/// the dashboard, its charts and /hangfire working under the policy with no violation.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class RealServerSecurityTests(BrowserFixture browser, RealServerSecurityTests.Server server, ITestOutputHelper output)
    : IClassFixture<RealServerSecurityTests.Server>
{
    public sealed class Server : DashboardServer;

    /// <summary>A page, a page with a form, the login page, API routes, static files of each package, and /hangfire.</summary>
    public static TheoryData<string> Responses => new()
    {
        "/", "/new", "/login", "/api/runs", "/openapi/v1.json", "/no-such-page",
        "/_framework/blazor.web.js", "/_content/MudBlazor/MudBlazor.min.css", "/_content/Plotly.Blazor/plotly-3.7.0.min.js",
        "/hangfire", "/hangfire/css", "/hangfire/jobs/enqueued",
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Every_response_carries_the_apps_content_security_policy(string path)
    {
        using var http = server.CreateHttpClient();
        using var response = await http.GetAsync(path.TrimStart('/'));
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        Assert.Equal(SecureHeaders.DefaultContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/runs")]
    [InlineData("/hangfire")]
    public async Task A_foreign_host_name_is_refused(string path)
    {
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Host = $"evil.example:{server.BaseAddress.Port}";
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Another_site_cannot_submit_or_cancel_runs()
    {
        using var http = server.CreateHttpClient();
        var before = await server.ListRunIdsAsync();
        const string run = """{"dataset": "fashion-mnist", "model": "lenet", "method": "baseline", "epochs": 1, "trainSubset": 100, "testSubset": 100}""";

        // What a page on evil.example can send without a preflight: text/plain, with its Origin.
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "api/runs") { Content = new StringContent(run, Encoding.UTF8, "text/plain") };
        crossSite.Headers.Add("Origin", "https://evil.example");
        using var refused = await http.SendAsync(crossSite);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        using var plain = await http.PostAsync("api/runs", new StringContent(run, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plain.StatusCode);
        Assert.Equal(before, await server.ListRunIdsAsync());

        using var cancel = new HttpRequestMessage(HttpMethod.Post, $"api/runs/{Guid.NewGuid()}/cancel");
        cancel.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(cancel)).StatusCode);
        // A script (no Origin) still reaches the endpoint: 404 for a run that does not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync($"api/runs/{Guid.NewGuid()}/cancel", null)).StatusCode);
    }

    public static TheoryData<string, string?, string> BadLogins => new()
    {
        { "json", "application/json", """{"user":"alice","password":"x"}""" },
        { "empty", null, "" },
        { "5 MB password", "application/x-www-form-urlencoded", "user=alice&password=" + new string('p', 5 << 20) },
        { "vertical tab", "application/x-www-form-urlencoded", "user=alice&password=x&returnUrl=%2F%0B" },
    };

    [Theory]
    [MemberData(nameof(BadLogins))]
    public async Task A_bad_login_post_is_a_400_and_never_an_exception_in_the_log(string name, string? contentType, string body)
    {
        using var http = server.CreateHttpClient();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await http.PostAsync("login", content);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode}");
        // The GET of a return URL with a vertical tab, too.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("login?ReturnUrl=%2F%0B")).StatusCode);
        await Task.Delay(200); // let the server's log lines arrive
        Assert.DoesNotContain("Exception", server.Process.Output);
        Assert.DoesNotContain("fail:", server.Process.Output);
    }

    [Fact]
    public async Task The_dashboard_its_charts_and_hangfire_work_under_the_policy_with_no_violation()
    {
        var id = await server.SubmitAsync(DashboardServer.TinyRun("baseline", epochs: 1));
        await server.WaitForSuccessAsync(id, TimeSpan.FromMinutes(3));

        await using var session = await BrowserSession.OpenAsync(browser, server, nameof(RealServerSecurityTests), output);
        // A blocked script, style, connection or frame is reported to the page as this event; make it a console error.
        await session.Context.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation',
              e => console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI));
            """);
        await session.RunAsync(async () =>
        {
            var page = await session.NewPageAsync();
            // Pages become interactive: Blazor's circuit (a WebSocket, connect-src) runs, MudBlazor styles apply.
            foreach (string path in new[] { "/", "/new", $"/runs/{id}" })
            {
                var response = await session.GotoAsync(page, path);
                Assert.Equal(SecureHeaders.DefaultContentSecurityPolicy, await response.HeaderValueAsync("content-security-policy"));
            }
            // Plotly draws the run's curves (script from 'self', styles inline).
            await Assertions.Expect(page.Locator(".js-plotly-plot .main-svg").First).ToBeVisibleAsync();
            await session.ScreenshotAsync(page, "run-under-csp");

            var hangfire = await page.GotoAsync("/hangfire");
            Assert.Equal(200, hangfire!.Status);
            Assert.Equal(SecureHeaders.DefaultContentSecurityPolicy, await hangfire.HeaderValueAsync("content-security-policy"));
            await Assertions.Expect(page.Locator("#stats, .js-metrics, h1").First).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await session.ScreenshotAsync(page, "hangfire-under-csp");
            session.AssertClean();
        });
    }
}
