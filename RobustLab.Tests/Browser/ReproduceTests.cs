using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using Microsoft.Playwright;
using RobustLab.Tests.Processes;
using RobustLab.Web.Reproduction;
using Xunit.Abstractions;

namespace RobustLab.Tests.Browser;

/// <summary>
/// The newcomer's reproduction: on the Reproduce page, the smoke budget cut to a tiny subset and one epoch (2 sigmas, one
/// alpha, one N~: 5 runs, a few seconds of training each on the in-process worker), one click queues it, the page fills
/// in Fig. 2, Fig. 3 and the parallel coordinates as the runs finish, and "Download report" gives the self-contained
/// HTML report, which <c>robustlab report</c> writes identically from the store.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ReproduceTests(BrowserFixture browser, ReproduceTests.Server server, ITestOutputHelper output)
    : IClassFixture<ReproduceTests.Server>
{
    public sealed class Server : DashboardServer;

    [Fact]
    public async Task A_tiny_reproduction_queued_from_the_page_fills_its_figures_and_downloads_a_self_contained_report()
    {
        await using var session = await BrowserSession.OpenAsync(browser, server,
            nameof(A_tiny_reproduction_queued_from_the_page_fills_its_figures_and_downloads_a_self_contained_report), output);
        await session.RunAsync(async () =>
        {
            var page = await session.NewPageAsync();
            await session.GotoAsync(page, "/reproduce");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reproduce the paper" })).ToBeVisibleAsync();

            await page.Locator("[data-testid=preset-smoke]").ClickAsync();
            // The preset's values arrive with the next render; typing before it would be overwritten or appended to.
            await Assertions.Expect(page.GetByLabel("Training subset", new() { Exact = true })).ToHaveValueAsync("1000");
            await FillAsync(page, "Training subset", "200");
            await FillAsync(page, "Test subset", "100");
            await FillAsync(page, "Epochs", "1");
            // Smoke: 2 sigmas x (1 N~ + 1 alpha) + the baseline, one seed.
            await Assertions.Expect(page.Locator("[data-testid=grid-runs]")).ToContainTextAsync("5 runs: baseline 1, augmentation 2, regularizer 2");
            await Assertions.Expect(page.Locator("[data-testid=reuse]")).ToContainTextAsync("all 5 will be queued");
            await session.ScreenshotAsync(page, "reproduce-proposal");

            await page.Locator("[data-testid=queue]").ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/reproduce/[0-9a-f-]{36}$"), new() { Timeout = 15_000 });
            var id = Guid.Parse(page.Url[^36..]);
            output.WriteLine($"sweep {id}");

            // Live: the status line reaches "5 succeeded" without a reload.
            await Assertions.Expect(page.Locator("[data-testid=sweep-status]")).ToContainTextAsync("5 runs: 5 succeeded", new() { Timeout = 360_000 }); // seconds on an idle machine; minutes under load
            foreach (string chart in new[] { ReproductionFigures.AccuracyId, ReproductionFigures.GnrId, ReproductionFigures.FairId, $"sweep-{id}-parallel-coordinates" })
                await Assertions.Expect(page.Locator($"[data-chart='{chart}'] .js-plotly-plot svg.main-svg").First).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-testid=table-settings] tbody tr")).ToHaveCountAsync(5);
            await session.ScreenshotAsync(page, "reproduce-results");

            var download = await BrowserDownloads.DownloadAsync(session, page, () => page.Locator("[data-testid=download-report]").ClickAsync());
            Assert.Equal(ReproductionReport.FileName(id, "html"), download.SuggestedFilename);
            string path = Path.Combine(server.DataFolder, "downloaded-" + download.SuggestedFilename);
            await download.SaveAsAsync(path);
            string html = await File.ReadAllTextAsync(path);

            var document = new HtmlParser().ParseDocument(html);
            foreach (string figure in new[] { ReproductionFigures.AccuracyId, ReproductionFigures.GnrId, ReproductionFigures.FairId })
                Assert.NotEmpty(document.QuerySelector($"svg#{figure}")?.QuerySelectorAll("circle") ?? throw new Xunit.Sdk.XunitException($"no figure {figure}"));
            Assert.Empty(document.QuerySelectorAll("script, link, img"));
            Assert.DoesNotContain("http://", html);
            Assert.DoesNotContain("https://", html);
            var runIds = await server.ListRunIdsAsync();
            Assert.Equal(5, runIds.Count);
            foreach (var runId in runIds) Assert.Contains(runId.ToString(), document.QuerySelector("table#table-runs")!.TextContent);

            // The settings table as CSV from the API: one row per setting.
            using (var http = server.CreateHttpClient())
            {
                string csv = await http.GetStringAsync($"api/sweeps/{id}/report.csv?table=settings");
                Assert.Equal(1 + 5, csv.TrimEnd('\n').Split('\n').Length);
            }

            // The CLI verb writes the same report from the same store (all but the time it was generated).
            string cliPath = Path.Combine(server.DataFolder, "cli-report.html");
            await using var cli = RobustLabProcess.Start(["report", "--sweep", id.ToString(), "--out", cliPath],
                new Dictionary<string, string?> { ["Storage__Provider"] = "sqlite", ["Storage__DataFolder"] = server.DataFolder }, name: "report");
            Assert.True(await cli.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, cli.Output);
            Assert.Equal(WithoutTimestamp(html), WithoutTimestamp(await File.ReadAllTextAsync(cliPath)));
            session.AssertClean();
        });
    }

    static string WithoutTimestamp(string html) => Regex.Replace(html, "<th>generated</th><td>[^<]*</td>", "");

    /// <summary>Types into the field with this label and leaves it (MudBlazor fields report a change on blur).</summary>
    static async Task FillAsync(IPage page, string label, string value)
    {
        var input = page.GetByLabel(label, new() { Exact = true });
        await input.FillAsync(value);
        await input.BlurAsync();
        await Assertions.Expect(input).ToHaveValueAsync(value);
    }
}
