using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace RobustLab.Tests.Browser;

/// <summary>
/// Every dashboard page, in headless Debian Chromium against the real binary: HTTP 200, its heading, no console
/// errors, no request to any host but 127.0.0.1 (no CDN, no Google Fonts), and a full-page screenshot.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class PageLoadTests(BrowserFixture browser, PageLoadTests.Server server, ITestOutputHelper output)
    : IClassFixture<PageLoadTests.Server>
{
    public sealed class Server : DashboardServer;

    /// <summary>Path, screenshot name and a pattern for the page's heading.</summary>
    public static TheoryData<string, string, string> Pages => new()
    {
        { "/", "runs", "^Runs" },
        { "/new", "new", "New run" },
        { "/tradeoff", "tradeoff", "Trade-?off" },
        { "/compare", "compare", "Fair comparison" },
        { "/attacks", "attacks", "Attacks" },
        { "/certified", "certified", "Certified robustness" },
        { "/corruptions", "corruptions", "Common corruptions" },
        { "/datasets", "datasets", "Data sets" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_loads_with_its_heading_no_console_errors_and_only_local_requests(string path, string name, string heading)
    {
        await using var session = await BrowserSession.OpenAsync(browser, server, nameof(PageLoadTests), output, caseName: name);
        await session.RunAsync(async () =>
        {
            var page = await session.NewPageAsync();
            await session.GotoAsync(page, path);

            var title = page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex(heading, RegexOptions.IgnoreCase) });
            await Assertions.Expect(title.First).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await session.ScreenshotAsync(page, name);
            session.AssertClean();
        });
    }
}
