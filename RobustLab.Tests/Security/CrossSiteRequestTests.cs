using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RobustLab.Web.Security;

namespace RobustLab.Tests.Security;

/// <summary>
/// Another web site acting through the user's browser on the loopback default (issue 11, item 2): cross-origin posts,
/// bodies a browser sends across sites without a preflight, and DNS rebinding (a foreign Host header).
/// </summary>
public class CrossSiteRequestTests
{
    static HttpRequestMessage Post(string path, HttpContent? content = null, string? origin = null, string? fetchSite = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (fetchSite is not null) request.Headers.Add("Sec-Fetch-Site", fetchSite);
        return request;
    }

    static StringContent Json(string json = "{}") => new(json, Encoding.UTF8, "application/json");

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal((int)status, doc.RootElement.GetProperty("status").GetInt32());
        return doc.RootElement.Clone();
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://localhost.evil.example")]
    [InlineData("http://localhost:8080")] // another port on this machine is another origin
    [InlineData("null")]                  // sandboxed frames and file: pages
    public async Task A_post_from_another_origin_is_a_403_problem(string origin)
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Loopback());
        foreach (string path in new[] { "/api/anything", "/login", "/logout" })
        {
            var problem = await ProblemAsync(await host.Client.SendAsync(Post(path, Json(), origin)), HttpStatusCode.Forbidden);
            Assert.Contains("Origin", problem.GetProperty("detail").GetString());
        }
        var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/anything");
        delete.Headers.Add("Origin", origin);
        await ProblemAsync(await host.Client.SendAsync(delete), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_websocket_handshake_from_another_origin_is_a_403_problem()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Loopback());
        var handshake = new HttpRequestMessage(HttpMethod.Get, "/api/anything");
        handshake.Headers.Add("Origin", "https://evil.example");
        handshake.Headers.Add("Upgrade", "websocket");
        await ProblemAsync(await host.Client.SendAsync(handshake), HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public async Task A_post_the_browser_marks_as_from_another_site_is_a_403_problem(string fetchSite)
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Loopback());
        var problem = await ProblemAsync(await host.Client.SendAsync(Post("/api/anything", Json(), fetchSite: fetchSite)), HttpStatusCode.Forbidden);
        Assert.Contains($"Sec-Fetch-Site: {fetchSite}", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_same_origin_form_post_with_origin_null_passes_because_the_browser_marks_it_same_origin()
    {
        // Chromium sends "Origin: null" on a form post from a page served with Referrer-Policy: no-referrer (the login form).
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Loopback());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Post("/api/anything", Json(), "null", "same-origin"))).StatusCode);
        await ProblemAsync(await host.Client.SendAsync(Post("/api/anything", Json(), "null", "cross-site")), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Posts_from_the_own_origin_and_from_scripts_without_an_origin_pass()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Loopback());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Post("/api/anything", Json()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Post("/api/anything", Json(), "http://localhost", "same-origin"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Post("/api/anything", Json(), "https://localhost"))).StatusCode); // TLS ended by a proxy
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Post("/api/anything", Json(), fetchSite: "none"))).StatusCode);
        // Reading is not changing anything: a GET with a foreign Origin is answered (CORS keeps the page from reading it).
        var get = new HttpRequestMessage(HttpMethod.Get, "/api/anything");
        get.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(get)).StatusCode);
    }

    [Fact]
    public async Task Security_AllowedOrigins_lets_a_proxy_origin_post()
    {
        var configuration = SecurityTestHost.Loopback();
        configuration["Security:AllowedOrigins:0"] = "https://lab.example";
        await using var host = await SecurityTestHost.StartAsync(configuration);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Post("/api/anything", Json(), "https://LAB.example"))).StatusCode);
        await ProblemAsync(await host.Client.SendAsync(Post("/api/anything", Json(), "https://lab.example.evil")), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_allowed_origin_that_is_not_an_origin_stops_the_start()
    {
        var configuration = SecurityTestHost.Loopback();
        configuration["Security:AllowedOrigins:0"] = "https://lab.example/path";
        var app = SecurityTestHost.Build(configuration);
        await using var _ = app;
        var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("Security:AllowedOrigins: 'https://lab.example/path' is not an origin", e.Message);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/jsonp")]
    public async Task An_api_body_that_is_not_json_is_a_415_problem(string contentType)
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Loopback());
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"dataset": "fashion-mnist"}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var problem = await ProblemAsync(await host.Client.SendAsync(Post("/api/anything", content)), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("Content-Type: application/json", problem.GetProperty("detail").GetString());
        Assert.Contains(contentType, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_api_body_without_a_content_type_is_a_415_problem()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Loopback());
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}"));
        var problem = await ProblemAsync(await host.Client.SendAsync(Post("/api/anything", content)), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("no content type", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Json_bodies_and_posts_without_a_body_pass()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Loopback());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync("/api/anything", new { sigma = 0.5 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("/api/anything", new StringContent("{}", Encoding.UTF8, "application/merge-patch+json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("/api/anything", null)).StatusCode); // e.g. POST /api/runs/{id}/cancel
        // Outside /api (the login form, Blazor, Hangfire's buttons) forms are what is expected.
        Assert.NotEqual(HttpStatusCode.UnsupportedMediaType,
            (await host.Client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = "x" }))).StatusCode);
    }

    [Theory]
    [InlineData("/api/anything")]
    [InlineData("/runs")]
    [InlineData("/hangfire")]
    [InlineData("/login")]
    public async Task A_foreign_host_name_is_refused_on_a_loopback_binding(string path)
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Loopback());
        var rebound = await host.Client.GetAsync($"http://evil.example{path}");
        Assert.Equal(HttpStatusCode.BadRequest, rebound.StatusCode);
        var withPort = await host.Client.GetAsync($"http://evil.example:5000{path}");
        Assert.Equal(HttpStatusCode.BadRequest, withPort.StatusCode);
    }

    [Theory]
    [InlineData("http://localhost/api/anything")]
    [InlineData("http://127.0.0.1:5000/api/anything")]
    [InlineData("http://[::1]:5000/api/anything")]
    public async Task Loopback_host_names_are_answered(string url)
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Loopback());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Security_AllowedHosts_replaces_the_default()
    {
        var configuration = SecurityTestHost.Loopback();
        configuration["Security:AllowedHosts:0"] = "lab.example";
        await using var host = await SecurityTestHost.StartAsync(configuration);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("http://lab.example/api/anything")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.GetAsync("http://evil.example/api/anything")).StatusCode);
    }

    [Fact]
    public async Task Any_host_name_is_answered_when_bound_to_every_interface()
    {
        var configuration = SecurityTestHost.Public();
        await using var host = await SecurityTestHost.StartAsync(configuration);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("http://lab.example/healthz")).StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", "localhost,127.0.0.1,[::1]")]
    [InlineData("http://127.0.0.2:5000;http://[::1]:5001", "localhost,127.0.0.1,[::1],127.0.0.2")]
    [InlineData("http://lab.example:5000", "localhost,127.0.0.1,[::1],lab.example")]
    [InlineData("http://0.0.0.0:5000", "*")]
    [InlineData("http://127.0.0.1:5000;http://[::]:5000", "*")]
    [InlineData("http://*:5000", "*")]
    [InlineData("http://+:5000", "*")]
    [InlineData("http://unix:/run/robustlab.sock", "*")]
    public void The_default_allowed_hosts_are_the_bound_names_and_loopback(string urls, string expected) =>
        Assert.Equal(expected.Split(','), HostAllowList.Default(urls.Split(';')));
}
