using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace RobustLab.Tests.Browser;

/// <summary>
/// A baseline and a regularizer run of Fashion-MNIST LeNet (submitted through POST /api/runs, which is quicker than the
/// form, each also attacked with FGSM and DeepFool after training) feed the fair-comparison and attacks pages; the run
/// detail page serves the safetensors download.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class FairComparisonAndDownloadTests(BrowserFixture browser, FairComparisonAndDownloadTests.Server server, ITestOutputHelper output)
    : IClassFixture<FairComparisonAndDownloadTests.Server>
{
    /// <summary>The server, with a baseline and a regularizer run submitted at start (both tiny; the test waits for them).</summary>
    public sealed class Server : DashboardServer
    {
        public Guid Baseline { get; private set; }
        public Guid Regularizer { get; private set; }

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Baseline = await SubmitAsync(WithAttacks(TinyRun("baseline")));
            Regularizer = await SubmitAsync(WithAttacks(TinyRun("regularizer", sigma: 0.25, alpha: 1)));
        }

        static Dictionary<string, object?> WithAttacks(Dictionary<string, object?> run)
        {
            run["attacks"] = new[] { "fgsm", "deepfool" };
            run["attackSamples"] = 20;
            return run;
        }

        public async Task WaitForBothAsync()
        {
            await WaitForSuccessAsync(Baseline, TimeSpan.FromMinutes(2));
            await WaitForSuccessAsync(Regularizer, TimeSpan.FromMinutes(2));
        }
    }

    [Fact]
    public async Task Fair_comparison_shows_the_baseline_line_and_the_best_model_per_method()
    {
        await server.WaitForBothAsync();
        await using var session = await BrowserSession.OpenAsync(browser, server, nameof(Fair_comparison_shows_the_baseline_line_and_the_best_model_per_method), output);
        await session.RunAsync(async () =>
        {
            var page = await session.NewPageAsync();
            await session.GotoAsync(page, "/compare?dataset=fashion-mnist&model=lenet");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fair comparison" })).ToBeVisibleAsync();

            // The baseline accuracy line: in words above the table, and as the dashed reference trace of the chart.
            var baselineLine = page.Locator("[data-testid=baseline-line]");
            await Assertions.Expect(baselineLine).ToContainTextAsync("Baseline accuracy");
            await Assertions.Expect(baselineLine).ToContainTextAsync("%");

            // The best-per-method table: the baseline is always eligible at tolerance 0 (it is its own reference).
            var table = page.Locator("[data-testid=best-per-method]");
            await Assertions.Expect(table).ToBeVisibleAsync();
            var rows = table.Locator("tbody tr");
            await Assertions.Expect(rows.Filter(new() { HasText = "baseline" })).ToHaveCountAsync(1);

            var chart = page.Locator("[data-chart='fair-comparison-fashion-mnist-lenet']");
            await Assertions.Expect(chart.Locator(".js-plotly-plot svg.main-svg").First).ToBeVisibleAsync();
            await Assertions.Expect(chart.Locator(".legendtext", new() { HasText = "baseline accuracy" })).ToHaveCountAsync(1);

            await session.ScreenshotAsync(page, "compare-default-tolerance");

            // A tolerance of 100 points lets every model compete, so the regularizer gets its row (the tiny regularizer
            // run may be a little less accurate than the baseline, which at the default 0% keeps it out).
            var tolerance = page.Locator("[data-testid=tolerance] input, input[data-testid=tolerance]").First;
            await tolerance.FillAsync("100");
            await tolerance.PressAsync("Tab");
            await Assertions.Expect(rows.Filter(new() { HasText = "regularizer" })).ToHaveCountAsync(1);
            await Assertions.Expect(rows).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("[data-testid=folds]")).ToBeVisibleAsync();

            await session.ScreenshotAsync(page, "compare-tolerance-100");
            session.AssertClean();
        });
    }

    [Fact]
    public async Task Attacks_page_shows_each_runs_minimal_perturbations_with_ratios_to_the_baseline()
    {
        await server.WaitForBothAsync();
        await using var session = await BrowserSession.OpenAsync(browser, server, nameof(Attacks_page_shows_each_runs_minimal_perturbations_with_ratios_to_the_baseline), output);
        await session.RunAsync(async () =>
        {
            var page = await session.NewPageAsync();
            await session.GotoAsync(page, "/attacks?dataset=fashion-mnist&model=lenet");
            await Assertions.Expect(page.Locator("[data-testid=baseline-line]")).ToContainTextAsync("Ratios are to the baseline run");
            var table = page.Locator("[data-testid=attack-table]");
            var regularizer = table.Locator($"tr[data-run='{server.Regularizer}']");
            var baseline = table.Locator($"tr[data-run='{server.Baseline}']");
            await Assertions.Expect(regularizer).ToBeVisibleAsync();
            await Assertions.Expect(baseline).ToBeVisibleAsync();
            foreach (var attack in new[] { "fgsm", "deepfool" })
            {
                // The baseline is its own reference (ratio 1); the regularizer's ratio is its median over the baseline's.
                await Assertions.Expect(baseline.Locator($"td[data-attack={attack}][data-col=ratio]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*1(\.0+)?\s*×?\s*$"));
                string median = await regularizer.Locator($"td[data-attack={attack}][data-col=median]").InnerTextAsync();
                string baseMedian = await baseline.Locator($"td[data-attack={attack}][data-col=median]").InnerTextAsync();
                string ratio = await regularizer.Locator($"td[data-attack={attack}][data-col=ratio]").InnerTextAsync();
                output.WriteLine($"{attack}: regularizer {median}, baseline {baseMedian}, ratio {ratio}");
                Assert.True(double.TryParse(median, System.Globalization.CultureInfo.InvariantCulture, out double m) && m > 0, $"{attack} median '{median}'");
                Assert.True(double.TryParse(baseMedian, System.Globalization.CultureInfo.InvariantCulture, out double b) && b > 0, $"{attack} baseline median '{baseMedian}'");
                Assert.True(double.TryParse(ratio.Trim().TrimEnd('×').Trim(), System.Globalization.CultureInfo.InvariantCulture, out double r),
                    $"{attack} ratio '{ratio}'");
                Assert.InRange(r, m / b * 0.95 - 0.01, m / b * 1.05 + 0.01);   // all three are shown rounded
            }
            await session.ScreenshotAsync(page, "attacks");
            session.AssertClean();
        });
    }

    [Fact]
    public async Task Run_detail_downloads_a_safetensors_file_with_a_json_header()
    {
        await server.WaitForBothAsync();
        var id = server.Regularizer;
        await using var session = await BrowserSession.OpenAsync(browser, server, nameof(Run_detail_downloads_a_safetensors_file_with_a_json_header), output);
        await session.RunAsync(async () =>
        {
            var page = await session.NewPageAsync();
            await session.GotoAsync(page, $"/runs/{id}");
            var button = page.Locator("[data-download=safetensors]");
            await Assertions.Expect(button).ToBeVisibleAsync();
            await Assertions.Expect(button).ToBeEnabledAsync();
            await session.ScreenshotAsync(page, "run-detail");

            var download = await BrowserDownloads.DownloadAsync(session, page, () => button.ClickAsync());
            Assert.EndsWith(".safetensors", download.SuggestedFilename);
            string path = Path.Combine(server.DataFolder, "download-" + download.SuggestedFilename);
            await download.SaveAsAsync(path);
            output.WriteLine($"downloaded {download.Url} as {download.SuggestedFilename}");

            // safetensors: an 8-byte little-endian header length, then that many bytes of JSON, then the tensors.
            byte[] bytes = await File.ReadAllBytesAsync(path);
            Assert.True(bytes.Length > 8, $"{bytes.Length} bytes");
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0, 8));
            Assert.InRange(headerLength, 2UL, (ulong)bytes.Length - 8);
            string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
            using var json = JsonDocument.Parse(header);
            Assert.True(json.RootElement.TryGetProperty("__metadata__", out var metadata), header);
            Assert.Equal(JsonValueKind.Object, metadata.ValueKind);
            Assert.Contains(json.RootElement.EnumerateObject(), p => p.Name != "__metadata__" && p.Value.TryGetProperty("dtype", out _));
            session.AssertClean();
        });
    }
}
