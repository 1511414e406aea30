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
                await tab.EvaluateAsync("() => window.__robustlabNoReload = 'yes'");
            }

            // Submitted from outside the browser (the API), so both tabs learn of it only from the server. Two epochs on
            // 900 images keep it running for a few seconds.
            var id = await server.SubmitAsync(DashboardServer.TinyRun("regularizer", epochs: 2, sigma: 0.25, alpha: 1, trainSubset: 900));
            output.WriteLine($"run {id}");

            var progress = tabs.Select(t => t.Locator($".rl-progress[data-run='{id}']")).ToArray();
            var rows = tabs.Select(t => t.Locator("tr.rl-run-row").Filter(new() { Has = t.Locator($".rl-progress[data-run='{id}']") })).ToArray();

            // Each tab sees the run training: status "running" and "epoch k of 2" (the page is watched while it trains,
            // so both tabs are checked together, not one after the other).
            await Task.WhenAll(rows.Select(row => Assertions.Expect(row.Locator(".rl-status"))
                .ToHaveAttributeAsync("data-status", "running", new() { Timeout = 30_000 })));
            await Task.WhenAll(progress.Select(p => Assertions.Expect(p.Locator(".rl-progress-text"))
                .ToContainTextAsync(new Regex(@"epoch [12] of 2"), new() { Timeout = 30_000 })));
            for (int i = 0; i < tabs.Length; i++) await session.ScreenshotAsync(tabs[i], $"runs-running-tab{i + 1}");

            await Task.WhenAll(rows.Select(row => Assertions.Expect(row.Locator(".rl-status"))
                .ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 90_000 })));
            // Live metrics: accuracy and GNR filled in once the run is evaluated.
            await Task.WhenAll(rows.Select(row => Assertions.Expect(row.Locator("[data-col=accuracy]")).ToContainTextAsync("%")));
            await Task.WhenAll(rows.Select(row => Assertions.Expect(row.Locator("[data-col=gnr]")).ToHaveTextAsync(new Regex(@"\d\.\d"))));
            for (int i = 0; i < tabs.Length; i++)
            {
                Assert.Equal("yes", await tabs[i].EvaluateAsync<string?>("() => window.__robustlabNoReload ?? null"));
                await session.ScreenshotAsync(tabs[i], $"runs-succeeded-tab{i + 1}");
            }
            session.AssertClean();
        });
    }
}
