using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace RobustLab.Tests.Browser;

/// <summary>Several tabs on the runs page at once each follow a run live (pushed over their own circuits, no reload).</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class LiveTabsTests(BrowserFixture browser, LiveTabsTests.Server server, ITestOutputHelper output)
    : IClassFixture<LiveTabsTests.Server>
{
    public sealed class Server : DashboardServer;

    [Fact]
    public async Task Two_tabs_on_the_runs_page_both_see_a_run_appear_train_and_succeed_without_a_reload()
    {
        await using var session = await BrowserSession.OpenAsync(browser, server,
            nameof(Two_tabs_on_the_runs_page_both_see_a_run_appear_train_and_succeed_without_a_reload), output);
        await session.RunAsync(async () =>
        {
            var tabs = new[] { await session.NewPageAsync(), await session.NewPageAsync() };
            foreach (var tab in tabs)
            {
                await session.GotoAsync(tab, "/");
                await Assertions.Expect(tab.GetByRole(AriaRole.Heading, new() { Name = "Runs", Exact = true })).ToBeVisibleAsync();
                await LiveRecorder.StartAsync(tab);
            }

            // Submitted from outside the browser (the API), so both tabs learn of it only from the server. Two epochs on
            // 900 images keep it running for a few seconds.
            var id = await server.SubmitAsync(DashboardServer.TinyRun("regularizer", epochs: 2, sigma: 0.25, alpha: 1, trainSubset: 900));
            output.WriteLine($"run {id}");

            var rows = tabs.Select(t => t.Locator("tr.rl-run-row").Filter(new() { Has = t.Locator($".rl-progress[data-run='{id}']") })).ToArray();

            // Each tab shows the run train and succeed. Both tabs are watched together while it trains, and each records
            // every status and progress text it showed, so a short "running" is not missed between two polls.
            bool screenshots = await WaitForAsync(Task.WhenAll(rows.Select(row => Assertions.Expect(row.Locator(".rl-status"))
                .ToHaveAttributeAsync("data-status", "running", new() { Timeout = 30_000 }))));
            if (screenshots)
                for (int i = 0; i < tabs.Length; i++) await session.ScreenshotAsync(tabs[i], $"runs-running-tab{i + 1}");

            await Task.WhenAll(rows.Select(row => Assertions.Expect(row.Locator(".rl-status"))
                .ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 120_000 })));
            // Live metrics: accuracy and GNR filled in once the run is evaluated.
            await Task.WhenAll(rows.Select(row => Assertions.Expect(row.Locator("[data-col=accuracy]")).ToContainTextAsync("%")));
            await Task.WhenAll(rows.Select(row => Assertions.Expect(row.Locator("[data-col=gnr]")).ToHaveTextAsync(new Regex(@"\d\.\d"))));
            for (int i = 0; i < tabs.Length; i++)
            {
                var seen = await LiveRecorder.SeenAsync(tabs[i]);
                output.WriteLine($"tab {i + 1} showed: " + string.Join(" | ", seen));
                Assert.Contains("status:running", seen);
                Assert.Contains(seen, s => Regex.IsMatch(s, @"^progress:epoch [12] of 2"));
                Assert.Contains("status:succeeded", seen);
                await session.ScreenshotAsync(tabs[i], $"runs-succeeded-tab{i + 1}");
            }
            session.AssertClean();
        });
    }

    /// <summary>True when the expectation held, false when it timed out (for screenshots that are only nice to have).</summary>
    static async Task<bool> WaitForAsync(Task expectation)
    {
        try { await expectation; return true; }
        catch (PlaywrightException) { return false; }
    }
}
