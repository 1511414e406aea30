using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RobustLab.Web.Security;

namespace RobustLab.Tests.Security;

/// <summary>AddRobustLabSecurity/UseRobustLabSecurity on a test server, bound (by configuration) to 0.0.0.0 or 127.0.0.1.</summary>
public class SecurityPipelineTests
{
    static HttpRequestMessage Get(string path, string? bearer = null, string? cookies = null, string? remoteIp = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (cookies is not null) request.Headers.Add("Cookie", cookies);
        if (remoteIp is not null) request.Headers.Add(SecurityTestHost.RemoteIpHeader, remoteIp);
        return request;
    }

    [Fact]
    public async Task Api_without_credentials_gets_401_on_a_non_loopback_binding()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        var response = await host.Client.SendAsync(Get("/api/anything"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        var post = await host.Client.PostAsync("/api/anything", null);
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
    }

    [Fact]
    public async Task Api_with_a_valid_bearer_token_gets_through()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        var response = await host.Client.SendAsync(Get("/api/anything", bearer: SecurityTestHost.Token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello ci", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Api_with_a_wrong_bearer_token_gets_401()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        var response = await host.Client.SendAsync(Get("/api/anything", bearer: ApiTokens.Generate()));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var hashAsToken = await host.Client.SendAsync(Get("/api/anything", bearer: ApiTokens.Hash(SecurityTestHost.Token)));
        Assert.Equal(HttpStatusCode.Unauthorized, hashAsToken.StatusCode);
    }

    [Fact]
    public async Task A_page_without_login_redirects_to_the_login_page()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        var response = await host.Client.SendAsync(Get("/runs"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
        Assert.Contains("ReturnUrl=%2Fruns", response.Headers.Location.Query);
        // A path nothing maps is not an open door either.
        Assert.Equal(HttpStatusCode.Redirect, (await host.Client.SendAsync(Get("/no-such-page"))).StatusCode);
    }

    [Fact]
    public async Task Hangfire_is_refused_without_authentication()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        var page = await host.Client.SendAsync(Get("/hangfire"));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/login", page.Headers.Location!.AbsolutePath);
        var api = await host.Client.SendAsync(Get("/hangfire/stats", remoteIp: "127.0.0.1"));
        Assert.NotEqual(HttpStatusCode.OK, api.StatusCode);
        var wrongToken = await host.Client.SendAsync(Get("/hangfire", bearer: ApiTokens.Generate()));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
    }

    [Fact]
    public async Task Health_login_page_and_static_assets_stay_open_when_authentication_is_required()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Get("/healthz"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Get("/login"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Get("/_framework/blazor.web.js"))).StatusCode);
    }

    [Fact]
    public async Task Everything_is_open_on_a_loopback_binding()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Loopback());
        Assert.False(host.App.Services.GetRequiredService<SecurityMode>().RequireAuthentication);
        var api = await host.Client.SendAsync(Get("/api/anything"));
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("hello anonymous", await api.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("/api/anything", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Get("/runs"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Get("/healthz"))).StatusCode);
    }

    [Fact]
    public async Task Without_authentication_a_request_from_another_machine_is_refused()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Loopback());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Get("/api/anything", remoteIp: "127.0.0.1"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Get("/api/anything", remoteIp: "::1"))).StatusCode);
        var remote = await host.Client.SendAsync(Get("/api/anything", remoteIp: "192.168.1.50"));
        Assert.Equal(HttpStatusCode.Forbidden, remote.StatusCode);
        Assert.Contains("Security:Accounts", await remote.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RequireAuthentication_false_opens_a_public_binding_on_purpose()
    {
        var configuration = SecurityTestHost.Public();
        configuration["Security:RequireAuthentication"] = "false";
        await using var host = await SecurityTestHost.StartAsync(configuration);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Get("/api/anything", remoteIp: "192.168.1.50"))).StatusCode);
    }

    [Fact]
    public async Task RequireAuthentication_true_protects_a_loopback_binding()
    {
        var configuration = SecurityTestHost.Public();
        configuration["urls"] = "http://127.0.0.1:5000";
        configuration["Security:RequireAuthentication"] = "true";
        await using var host = await SecurityTestHost.StartAsync(configuration);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.SendAsync(Get("/api/anything"))).StatusCode);
    }

    [Fact]
    public async Task The_app_refuses_to_start_on_a_non_loopback_url_without_accounts()
    {
        var app = SecurityTestHost.Build(new Dictionary<string, string?> { ["urls"] = "http://0.0.0.0:5000" });
        await using var _ = app;
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("http://0.0.0.0:5000, which is not loopback", e.Message);
        Assert.Contains("add Security:Accounts (robustlab hash-password) or bind to 127.0.0.1", e.Message);
    }

    [Fact]
    public async Task The_app_refuses_to_start_when_authentication_is_forced_without_accounts()
    {
        var app = SecurityTestHost.Build(new Dictionary<string, string?> { ["Security:RequireAuthentication"] = "true" });
        await using var _ = app;
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("Security:RequireAuthentication is true but no account is configured", e.Message);
    }

    [Fact]
    public async Task The_app_refuses_to_start_with_a_plain_password_or_token_in_place_of_a_hash()
    {
        var configuration = SecurityTestHost.Public();
        configuration["Security:Accounts:0:PasswordHash"] = "hunter2";
        configuration["Security:ApiTokens:0:TokenHash"] = SecurityTestHost.Token;
        var app = SecurityTestHost.Build(configuration);
        await using var _ = app;
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("Security:Accounts:0:PasswordHash is not a password hash", e.Message);
        Assert.Contains("Security:ApiTokens:0:TokenHash", e.Message);
    }

    [Fact]
    public async Task Login_with_the_right_password_sets_a_cookie_that_authorises()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        var (response, cookies) = await host.LogInAsync(SecurityTestHost.User, SecurityTestHost.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/runs", response.Headers.Location!.OriginalString);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(SecurityExtensions.CookieName + "="));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Get("/runs", cookies: cookies))).StatusCode);
        var api = await host.Client.SendAsync(Get("/api/anything", cookies: cookies));
        Assert.Equal("hello alice", await api.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Login_with_a_wrong_password_or_unknown_user_sets_no_cookie()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        foreach (var (user, password) in new[] { (SecurityTestHost.User, "wrong"), ("mallory", SecurityTestHost.Password) })
        {
            var (response, cookies) = await host.LogInAsync(user, password);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("Wrong user name or password", await response.Content.ReadAsStringAsync());
            Assert.DoesNotContain(SecurityExtensions.CookieName, cookies);
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.SendAsync(Get("/api/anything", cookies: cookies))).StatusCode);
        }
    }

    [Fact]
    public async Task Login_without_the_antiforgery_token_is_refused()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        var (response, cookies) = await host.LogInAsync(SecurityTestHost.User, SecurityTestHost.Password, withAntiforgery: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(SecurityExtensions.CookieName, cookies);
    }

    [Fact]
    public async Task Logout_ends_the_session()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        var (_, cookies) = await host.LogInAsync(SecurityTestHost.User, SecurityTestHost.Password);
        var page = await host.Client.SendAsync(Get("/login", cookies: cookies));
        var token = System.Text.RegularExpressions.Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var logout = new HttpRequestMessage(HttpMethod.Post, "/logout")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token) }),
        };
        logout.Headers.Add("Cookie", cookies);
        var response = await host.Client.SendAsync(logout);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(SecurityExtensions.CookieName + "=;"));
    }

    [Theory]
    [InlineData("/runs/3?tab=curve", "/runs/3?tab=curve")]
    [InlineData("/", "/")]
    [InlineData("//evil.example/x", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("", "/")]
    [InlineData(null, "/")]
    public void Login_returns_only_to_local_urls(string? returnUrl, string expected) =>
        Assert.Equal(expected, LoginEndpoints.LocalOrRoot(returnUrl));

    [Fact]
    public async Task Security_headers_are_on_every_response()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        foreach (var path in new[] { "/healthz", "/login", "/api/anything", "/runs" })
        {
            var response = await host.Client.SendAsync(Get(path));
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            string csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'self'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("connect-src 'self' ws: wss:", csp);
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), "no HSTS over plain HTTP");
        }
    }

    [Fact]
    public async Task Hsts_is_sent_over_https_only()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        host.Client.BaseAddress = new Uri("https://robustlab.lab.example/");
        var response = await host.Client.SendAsync(Get("/healthz"));
        Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single());
    }
}
