using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace RobustLab.Tests.Browser;

/// <summary>
/// Every page at three common window widths, once interactive: the navigation drawer sits beside the page, never over
/// it (nor over a chart), the charts' tick labels all differ, and no log-out control shows when authentication is off.
/// A screenshot of each page at each width goes to the screenshots folder.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class LayoutTests(BrowserFixture browser, LayoutTests.Server server, ITestOutputHelper output)
    : IClassFixture<LayoutTests.Server>
{
    /// <summary>A baseline and a regularizer run, so the trade-off, comparison and run pages draw their charts.</summary>
    public sealed class Server : DashboardServer
    {
        public Guid Baseline { get; private set; }
        public Guid Regularizer { get; private set; }

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Baseline = await SubmitAsync(TinyRun("baseline"));
            Regularizer = await SubmitAsync(TinyRun("regularizer", sigma: 0.25, alpha: 1));
            await WaitForSuccessAsync(Baseline, TimeSpan.FromMinutes(3));
            await WaitForSuccessAsync(Regularizer, TimeSpan.FromMinutes(3));
        }
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(1400)]
    [InlineData(1440)]
    [InlineData(1920)]
    public async Task Every_page_keeps_the_drawer_beside_the_content_and_tick_labels_that_differ(int width)
    {
        await using var session = await BrowserSession.OpenAsync(browser, server, nameof(LayoutTests), output, caseName: width.ToString());
        await session.RunAsync(async () =>
        {
            var page = await session.NewPageAsync();
            await page.SetViewportSizeAsync(width, 900);
            var pages = new (string Path, string Name, string Heading)[]
            {
                ("/", "runs", "^Runs"),
                ("/new", "new", "New run"),
                ("/tradeoff?dataset=fashion-mnist&model=lenet", "tradeoff", "trade-?off"),
                ("/compare?dataset=fashion-mnist&model=lenet", "compare", "Fair comparison"),
                ("/attacks", "attacks", "attacks"),
                ("/datasets", "datasets", "Data sets"),
                ($"/runs/{server.Regularizer}", "run", "^Run"),
            };
            foreach (var (path, name, heading) in pages)
            {
                await session.GotoAsync(page, path);
                await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex(heading, RegexOptions.IgnoreCase) }).First).ToBeVisibleAsync();
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                var charts = page.Locator(".rl-chart");
                for (int i = 0; i < await charts.CountAsync(); i++) // Plotly has drawn each chart
                    await Assertions.Expect(charts.Nth(i).Locator("svg.main-svg").First).ToBeVisibleAsync();
                await page.WaitForTimeoutAsync(500); // the drawer's 225 ms transition
                await session.ScreenshotAsync(page, $"{name}-{width}");

                var drawer = await Box(page.Locator(".mud-drawer"), $"{name} at {width}px: the drawer");
                Assert.True(drawer.Width > 100, $"{name} at {width}px: the drawer is open on a wide window (width {drawer.Width}).");
                double drawerRight = drawer.X + drawer.Width;
                var content = await Box(page.Locator(".mud-main-content .rl-page"), $"{name} at {width}px: the page content");
                Assert.True(content.X >= drawerRight - 1,
                    $"{name} at {width}px: the drawer (right edge {drawerRight:0}) overlaps the content (left edge {content.X:0}).");

                for (int i = 0; i < await charts.CountAsync(); i++)
                {
                    var chart = charts.Nth(i);
                    string label = $"{name} at {width}px, chart {await chart.GetAttributeAsync("data-chart")}";
                    var box = await Box(chart, label);
                    Assert.True(box.X >= drawerRight - 1, $"{label}: its left edge ({box.X:0}) is under the drawer (right edge {drawerRight:0}).");
                    foreach (string axis in new[] { "ytick", "xtick" })
                    {
                        var ticks = (await chart.Locator($"g.{axis} text").AllTextContentsAsync()).Select(t => t.Trim()).Where(t => t.Length > 0).ToList();
                        Assert.True(ticks.Distinct().Count() == ticks.Count, $"{label}: {axis} labels repeat: {string.Join(" | ", ticks)}");
                    }
                }
                Assert.Equal(0, await page.Locator("[data-testid=account]").CountAsync()); // authentication is off
            }
            session.AssertClean();
        });
    }

    static async Task<LocatorBoundingBoxResult> Box(ILocator locator, string what) =>
        await locator.First.BoundingBoxAsync() ?? throw new Xunit.Sdk.XunitException($"{what} is not on the page.");
}
