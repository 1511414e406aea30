using System.Net;
using System.Text;
using RobustLab.Web.Security;

namespace RobustLab.Tests.Security;

/// <summary>POST /login against bad input (issue 11, items 3 to 5): open redirects, requests that are not the form, brute force.</summary>
public class LoginHardeningTests
{
    /// <summary>Return URLs a browser would resolve to another host (or run as script), each of which must become "/".</summary>
    public static TheoryData<string> Foreign => new()
    {
        "/\t/evil.example",          // what /login?ReturnUrl=/%09/evil.example decodes to: browsers drop the tab, giving //evil.example
        "/\n/evil.example",
        "/\r/evil.example",
        "/\v/evil.example",
        "/\u000B",
        "/\0/evil.example",
        "//evil.example",
        "//evil.example/runs",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "http://evil.example",
        "https://evil.example/runs",
        "HTTPS://evil.example",
        "//\t/evil.example",
        "javascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "evil.example",
        "~//evil.example",
        "~/\\evil.example",
        " /runs",
    };

    [Theory]
    [MemberData(nameof(Foreign))]
    public void A_return_url_that_leaves_the_site_becomes_the_root(string returnUrl) =>
        Assert.Equal("/", LoginEndpoints.LocalOrRoot(returnUrl));

    [Theory]
    [InlineData("/runs/3?tab=curve", "/runs/3?tab=curve")]
    [InlineData("/new#grid", "/new#grid")]
    [InlineData("/%09/evil.example", "/%09/evil.example")] // encoded once more: a path on this site, not a tab
    [InlineData("/runs?q=é", "/runs?q=%C3%A9")]            // a header carries ASCII only
    public void A_local_return_url_is_kept_as_a_valid_header_value(string returnUrl, string expected) =>
        Assert.Equal(expected, LoginEndpoints.LocalOrRoot(returnUrl));

    [Theory]
    [MemberData(nameof(Foreign))]
    public async Task Logging_in_never_redirects_off_the_site(string returnUrl)
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        var (response, _) = await host.LogInAsync(SecurityTestHost.User, SecurityTestHost.Password, returnUrl: returnUrl);
        // The form reader itself refuses a NUL as malformed (400 with the form); everything else logs in and goes home.
        if (returnUrl.Contains('\0'))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
            return;
        }
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_login_page_carries_only_a_local_return_url()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        foreach (string query in new[] { "/%09/evil.example", "%2F%2Fevil.example", "/%0B", "javascript:alert(1)" })
        {
            var page = await host.Client.GetAsync($"/login?ReturnUrl={query}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("name=\"returnUrl\" value=\"/\"", await page.Content.ReadAsStringAsync());
        }
    }

    public static TheoryData<string, Func<HttpContent?>> NotAForm => new()
    {
        { "json", () => new StringContent("""{"user":"alice","password":"x"}""", Encoding.UTF8, "application/json") },
        { "empty", () => null },
        { "empty form", () => new StringContent("", Encoding.UTF8, "application/x-www-form-urlencoded") },
        { "text", () => new StringContent("user=alice&password=x", Encoding.UTF8, "text/plain") },
        { "5 MB password", () => new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = "alice", ["password"] = new string('p', 5 << 20) }) },
        { "5 MB multipart", () => new MultipartFormDataContent { { new StringContent(new string('p', 5 << 20)), "password" } } },
        { "vertical tab in the return url", () => new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = "alice", ["password"] = "x", ["returnUrl"] = "/\v" }) },
        { "broken multipart", () => new StringContent("--x\r\nnonsense", Encoding.UTF8, "multipart/form-data") },
    };

    [Theory]
    [MemberData(nameof(NotAForm))]
    public async Task A_request_that_is_not_the_login_form_is_a_400_with_the_form(string name, Func<HttpContent?> content)
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        var response = await host.Client.PostAsync("/login", content());
        string html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode} {html}");
        Assert.Contains("<form method=\"post\" action=\"/login\">", html);
        Assert.DoesNotContain(SecurityExtensions.CookieName, SecurityTestHost.Cookies(response));
    }

    [Fact]
    public async Task Logout_with_a_json_or_huge_body_is_a_400()
    {
        await using var host = await SecurityTestHost.StartAsync(SecurityTestHost.Public());
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PostAsync("/logout", new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);
        var huge = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = new string('t', 5 << 20) });
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PostAsync("/logout", huge)).StatusCode);
    }

    static Dictionary<string, string?> Limited(int perClient, int perAccount)
    {
        var configuration = SecurityTestHost.Public();
        configuration["Security:LoginLimits:PerClient"] = perClient.ToString();
        configuration["Security:LoginLimits:PerAccount"] = perAccount.ToString();
        configuration["Security:LoginLimits:Window"] = "00:10:00";
        return configuration;
    }

    [Fact]
    public async Task After_too_many_attempts_from_one_client_even_the_right_password_gets_429()
    {
        await using var host = await SecurityTestHost.StartAsync(Limited(perClient: 4, perAccount: 100));
        for (int i = 0; i < 4; i++)
        {
            // Different user names: only the per-client limit can stop these.
            var (wrong, _) = await host.LogInAsync($"user{i}", "wrong", remoteIp: "203.0.113.7");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        var (response, cookies) = await host.LogInAsync(SecurityTestHost.User, SecurityTestHost.Password, remoteIp: "203.0.113.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Too many login attempts. Try again in 10 minutes.", html);
        Assert.Contains("<form method=\"post\" action=\"/login\">", html);
        Assert.Equal(TimeSpan.FromMinutes(10), response.Headers.RetryAfter?.Delta);
        Assert.DoesNotContain(SecurityExtensions.CookieName, cookies);

        // Another client is not affected.
        var (other, _) = await host.LogInAsync(SecurityTestHost.User, SecurityTestHost.Password, remoteIp: "198.51.100.2");
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
    }

    [Fact]
    public async Task After_too_many_attempts_on_one_account_from_many_clients_even_the_right_password_gets_429()
    {
        await using var host = await SecurityTestHost.StartAsync(Limited(perClient: 100, perAccount: 10));
        for (int i = 0; i < 10; i++)
        {
            var (wrong, _) = await host.LogInAsync(i % 2 == 0 ? "alice" : " ALICE ", "wrong", remoteIp: $"203.0.113.{i + 1}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        var (response, cookies) = await host.LogInAsync(SecurityTestHost.User, SecurityTestHost.Password, remoteIp: "198.51.100.99");
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("Too many login attempts", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(SecurityExtensions.CookieName, cookies);

        // Another account is not affected.
        var (other, _) = await host.LogInAsync("bob", "wrong", remoteIp: "198.51.100.99");
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    [Fact]
    public async Task Login_limits_must_be_positive()
    {
        var app = SecurityTestHost.Build(Limited(perClient: 0, perAccount: -1));
        await using var _ = app;
        var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("Security:LoginLimits:PerClient", e.Message);
        Assert.Contains("Security:LoginLimits:PerAccount", e.Message);
    }
}
