using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RobustLab.Training.Loop;
using RobustLab.Training.Models;
using Xunit.Abstractions;
using static RobustLab.Tests.Browser.FormControls;

namespace RobustLab.Tests.Browser;

/// <summary>
/// The newcomer's path: fill the New run form with one tiny run, submit, watch it train live (no reload), open its
/// detail page and see the loss and GNR charts drawn.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class RunFormTests(BrowserFixture browser, RunFormTests.Server server, ITestOutputHelper output)
    : IClassFixture<RunFormTests.Server>
{
    public sealed class Server : DashboardServer;

    [Fact]
    public async Task A_tiny_run_submitted_through_the_form_trains_live_and_its_detail_page_draws_loss_and_gnr_charts()
    {
        await using var session = await BrowserSession.OpenAsync(browser, server,
            nameof(A_tiny_run_submitted_through_the_form_trains_live_and_its_detail_page_draws_loss_and_gnr_charts), output);
        await session.RunAsync(async () =>
        {
            var page = await session.NewPageAsync();
            await session.GotoAsync(page, "/new");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New run / sweep" })).ToBeVisibleAsync();

            await ChooseAsync(page, "Data set", "fashion-mnist");
            await ChooseManyAsync(page, "Models", ModelFactory.Architectures, "lenet");
            await ChooseManyAsync(page, "Methods", TrainingMethods.Names, "regularizer");
            await FillAsync(page, "Sigma list", "0.25");
            await FillAsync(page, "Alpha list", "1");
            await FillAsync(page, "Seed list", "0");
            await FillAsync(page, "Epochs", "2");
            await FillAsync(page, "Train subset", "600");
            await FillAsync(page, "Test subset", "200");
            await FillAsync(page, "Batch size", "100");
            await FillAsync(page, "Learning rate", "0.001");

            // One value per field: one run, and the submit button says so.
            var submit = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Queue 1 run$") });
            await Assertions.Expect(submit).ToBeEnabledAsync();
            await session.ScreenshotAsync(page, "new-filled");

            // From here the page records every status and progress text it shows (and would lose the record on a reload).
            await LiveRecorder.StartAsync(page);
            await submit.ClickAsync();

            // The form lands on the run's detail page or on the runs list; either shows the run's status live.
            await page.WaitForURLAsync(new Regex(@"/(runs/[0-9a-f-]{36})?(\?.*)?$"), new() { Timeout = 15_000 });
            var ids = await server.ListRunIdsAsync();
            Assert.True(ids.Count == 1, $"The form queued {ids.Count} runs; expected 1.");
            var id = ids[0];
            var run = await server.GetRunAsync(id);
            var config = run.GetProperty("config");
            Assert.Equal("fashion-mnist", config.GetProperty("dataset").GetString());
            Assert.Equal("lenet", config.GetProperty("model").GetString());
            Assert.Equal("regularizer", config.GetProperty("method").GetString());
            Assert.Equal(0.25, config.GetProperty("sigma").GetDouble());
            Assert.Equal(1, config.GetProperty("alpha").GetDouble());
            Assert.Equal(2, config.GetProperty("epochs").GetInt32());
            Assert.Equal(600, config.GetProperty("trainSubset").GetInt32());
            Assert.Equal(200, config.GetProperty("testSubset").GetInt32());
            Assert.Equal(100, config.GetProperty("batchSize").GetInt32());
            Assert.Equal(0.001, config.GetProperty("lr").GetDouble());
            Assert.Equal(0, config.GetProperty("seed").GetInt32());
            output.WriteLine($"form queued run {id}; landed on {page.Url}");

            // Progress appears without a reload: "running" with "epoch k of 2", then "succeeded". The runs list and the
            // detail page both show the run's status chip (data-status) and its progress text.
            var status = page.Locator(".rl-status[data-status]").First;
            if (await WaitForAsync(Assertions.Expect(status).ToHaveAttributeAsync("data-status", "running", new() { Timeout = 20_000 })))
                await session.ScreenshotAsync(page, "training"); // the assertion on what the page showed comes below
            await Assertions.Expect(status).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 120_000 });
            var seen = await LiveRecorder.SeenAsync(page);
            output.WriteLine("the page showed: " + string.Join(" | ", seen));
            Assert.Contains("status:running", seen);
            Assert.Contains(seen, s => Regex.IsMatch(s, @"^progress:epoch [12] of 2"));
            await session.ScreenshotAsync(page, "succeeded");

            // The detail page: loss per epoch and the GNR curve, drawn by Plotly (it adds .js-plotly-plot and svg.main-svg).
            if (!page.Url.Contains($"/runs/{id}"))
            {
                await page.Locator($"a[href='/runs/{id}']").First.ClickAsync();
                await page.WaitForURLAsync($"**/runs/{id}");
            }
            await Assertions.Expect(page.Locator(".rl-status[data-status]").First).ToHaveAttributeAsync("data-status", "succeeded");
            // LineChart names its container data-chart="<file name>": loss-<short id> and gnr-curve-<short id> here.
            await ExpectChartAsync(page, "loss-", pointsPerTrace: 2, "the loss chart (train and validation loss of 2 epochs)");
            await ExpectChartAsync(page, "gnr-curve-", pointsPerTrace: DashboardServer.GnrSteps, "the GNR curve (one point per evaluation sigma)");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await session.ScreenshotAsync(page, "run-detail");
            session.AssertClean();
        });
    }

    /// <summary>
    /// The one chart whose <c>data-chart</c> starts with <paramref name="name"/> is drawn by Plotly (it adds .js-plotly-plot and svg.main-svg, and a path per
    /// trace), and every trace holds <paramref name="pointsPerTrace"/> points (read from the plot's own data).
    /// </summary>
    internal static async Task ExpectChartAsync(IPage page, string name, int pointsPerTrace, string what)
    {
        var plot = page.Locator($"[data-chart^='{name}'] .js-plotly-plot");
        await Assertions.Expect(plot).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(plot.Locator("svg.main-svg").First).ToBeVisibleAsync();
        // Lines (scatter traces) are path.js-line; markers are path.point.
        await Assertions.Expect(plot.Locator(".scatterlayer .trace path.js-line, .scatterlayer .trace path.point").First)
            .ToBeAttachedAsync(new() { Timeout = 20_000 });
        var counts = await plot.EvaluateAsync<int[]>("el => (el.data || []).map(t => (t.x || []).length)");
        Assert.True(counts.Length > 0 && counts.All(c => c == pointsPerTrace),
            $"{what}: traces with [{string.Join(", ", counts)}] points, expected {pointsPerTrace} each.");
    }

    /// <summary>True when the expectation held, false when it timed out (for a screenshot that is only nice to have).</summary>
    static async Task<bool> WaitForAsync(Task expectation)
    {
        try { await expectation; return true; }
        catch (PlaywrightException) { return false; }
    }
}
