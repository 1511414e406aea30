using Microsoft.Playwright;
using RobustLab.Web.Security;
using Xunit.Abstractions;

namespace RobustLab.Tests.Browser;

/// <summary>With authentication on, the dashboard shows who is signed in and logs out with a form POST to /logout.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class LogoutTests(BrowserFixture browser, LogoutTests.Server server, ITestOutputHelper output)
    : IClassFixture<LogoutTests.Server>
{
    const string User = "ada";
    const string Password = "analytical engine 1843";

    /// <summary>A server that requires a login, with one account.</summary>
    public sealed class Server : DashboardServer
    {
        protected override void Configure(Dictionary<string, string?> environment)
        {
            environment["Security__RequireAuthentication"] = "true";
            environment["Security__Accounts__0__User"] = User;
            environment["Security__Accounts__0__PasswordHash"] = PasswordHashing.Hash(Password);
        }
    }

    [Fact]
    public async Task The_signed_in_user_is_shown_and_log_out_ends_the_session()
    {
        await using var session = await BrowserSession.OpenAsync(browser, server, nameof(The_signed_in_user_is_shown_and_log_out_ends_the_session), output);
        await session.RunAsync(async () =>
        {
            var page = await session.NewPageAsync();
            await page.GotoAsync("/");
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
            await page.Locator("input[name=user]").FillAsync(User);
            await page.Locator("input[name=password]").FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Runs", Exact = true })).ToBeVisibleAsync();
            await session.WaitForInteractiveAsync(page);

            // The app bar names the user, with a log-out button, once the page is interactive.
            await Assertions.Expect(page.Locator("[data-testid=signed-in-user]")).ToHaveTextAsync(User);
            var logout = page.Locator("[data-testid=logout]");
            await Assertions.Expect(logout).ToBeVisibleAsync();
            await session.ScreenshotAsync(page, "signed-in");

            await logout.ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login$"));
            await Assertions.Expect(page.Locator("input[name=user]")).ToBeVisibleAsync();

            // The cookie is gone: the dashboard asks for a login again.
            await page.GotoAsync("/");
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
            Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == SecurityExtensions.CookieName);
            Assert.Empty(session.ForeignRequests);
            // The login page (Security/LoginEndpoints) links no icon, so the browser's own /favicon.ico request answers 404.
            Assert.DoesNotContain(session.ConsoleErrors, e => !e.Contains("/favicon.ico"));
        });
    }
}
