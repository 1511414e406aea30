using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RobustLab.Tests.Dashboard.Comparison;
using RobustLab.Training.Certification;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;
using Xunit.Abstractions;
using static RobustLab.Tests.Dashboard.Comparison.RobustnessReports;

namespace RobustLab.Tests.Browser;

/// <summary>
/// The Certified and Corruptions pages in Chromium, over runs written straight into the server's store before it starts
/// (a baseline and a regularizer, certified at sigma 0.25 with their per-image files and measured under corruptions, and
/// an augmentation run below the baseline's accuracy, certified without its file): no training, no certifying.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class RobustnessPagesTests(BrowserFixture browser, RobustnessPagesTests.Server server, ITestOutputHelper output)
    : IClassFixture<RobustnessPagesTests.Server>
{
    public sealed class Server : DashboardServer
    {
        public Guid Baseline { get; private set; }
        public Guid Regularizer { get; private set; }
        public Guid Augmentation { get; private set; }

        public override async Task InitializeAsync()
        {
            var storage = new StorageOptions { Provider = StorageProvider.Sqlite, DataFolder = DataFolder };
            var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddRunStore(storage).BuildServiceProvider();
            try
            {
                await services.MigrateRunStoreAsync();
                var store = services.GetRequiredService<IRunStore>();
                Baseline = await AddAsync(store, "baseline", 0, 0, 0, 0.85, Certified(0.25, 0.80, 0.5), rows: true,
                    Noise(0.85, [0.6, 0.4]));
                Regularizer = await AddAsync(store, "regularizer", 0.25, 1, 0, 0.86, Certified(0.25, 0.82, 1.0), rows: true,
                    Noise(0.86, [0.8, 0.7]));
                Augmentation = await AddAsync(store, "augmentation", 0.25, 0, 4, 0.70, Certified(0.25, 0.65, 1.2), rows: false, null);
            }
            finally
            {
                await services.DisposeAsync();
                using var connection = new SqliteConnection(RunStoreSetup.SqliteConnectionString(storage));
                SqliteConnection.ClearPool(connection); // the server opens the same file next
            }
            await base.InitializeAsync();
        }

        static CorruptionReport Noise(double clean, double[] noise) => Corrupted(clean, 0.04, new Dictionary<string, double[]>
        {
            [CorruptionCatalog.GaussianNoise] = noise, [CorruptionCatalog.Rotate] = [clean - 0.1, clean - 0.3],
        });

        static async Task<Guid> AddAsync(IRunStore store, string method, double sigma, double alpha, int copies, double accuracy,
            CertificationMetrics certification, bool rows, CorruptionReport? corruptions)
        {
            var run = await store.CreateRunAsync(new TrainingOptions
            {
                Dataset = "fashion-mnist", Model = "lenet", Method = TrainingMethods.Parse(method), Sigma = sigma, Alpha = alpha,
                Copies = copies, Epochs = 1, TrainSubset = 600, TestSubset = 200, Seed = 0,
            });
            await store.RecordEpochAsync(run.Id, new EpochReport(1, 1, 0.5, accuracy, 0.5, accuracy, 0.001, 12.5, 100, true));
            var metrics = new EvaluationResult(accuracy, 200, 0.7, 0.7, [new GnrPoint(0, 1), new GnrPoint(0.5, 0.4)], accuracy, 0.05, 0.5, 32, 8, 0)
            {
                Certification = [certification], Corruptions = corruptions,
            };
            await store.SetMetricsAsync(run.Id, metrics);
            await store.SetStatusAsync(run.Id, RunStatus.Succeeded);
            if (rows)
            {
                Directory.CreateDirectory(run.RunDir!);
                var curve = certification.CertifiedAccuracy[0].Accuracy;
                double reach = 2 * certification.CertifiedAuc / curve;
                CertificationCsv.WriteFile(Path.Combine(run.RunDir!, CertificationCsv.FileName(certification.Sigma)), Rows(curve, reach));
            }
            return run.Id;
        }
    }

    [Fact]
    public async Task Certified_page_draws_a_curve_per_run_with_its_table_row_and_the_fair_filter()
    {
        await using var session = await BrowserSession.OpenAsync(browser, server, nameof(Certified_page_draws_a_curve_per_run_with_its_table_row_and_the_fair_filter), output);
        await session.RunAsync(async () =>
        {
            var page = await session.NewPageAsync();
            await session.GotoAsync(page, "/certified?dataset=fashion-mnist&model=lenet");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Certified robustness" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-testid=baseline-line]")).ToContainTextAsync("85.00%");

            var table = page.Locator("[data-testid=certified-table]");
            var rows = table.Locator("tbody tr");
            await Assertions.Expect(rows).ToHaveCountAsync(3);
            var regularizer = table.Locator($"tr[data-run='{server.Regularizer}']");
            await Assertions.Expect(regularizer.Locator("td[data-col=auc]")).ToHaveTextAsync("0.4100"); // 0.82 * 1.0 / 2
            await Assertions.Expect(regularizer.Locator("td[data-col=r0]")).ToHaveTextAsync("82.0%");
            await Assertions.Expect(regularizer.Locator("td[data-col=seconds]")).ToHaveTextAsync("12.5");
            await Assertions.Expect(regularizer).ToHaveAttributeAsync("data-best", "true");
            await Assertions.Expect(table.Locator($"tr[data-run='{server.Augmentation}'] td[data-col=eligible]")).ToHaveTextAsync("no");

            // One curve per row: the two with per-image files are full curves, the third goes through the fixed radii.
            var chart = page.Locator("[data-chart='certified-fashion-mnist-lenet']");
            await Assertions.Expect(chart.Locator("g.trace.scatter")).ToHaveCountAsync(3);
            await Assertions.Expect(chart.Locator(".legendtext", new() { HasText = "regularizer alpha=1 sigma=0.25" })).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("[data-testid=fixed-radii-note]")).ToBeVisibleAsync();
            await session.ScreenshotAsync(page, "certified-all");

            // Within tolerance: the augmentation run (70% against the baseline's 85%) leaves the table and the chart.
            await page.GetByText("within tolerance", new() { Exact = true }).ClickAsync();
            await Assertions.Expect(rows).ToHaveCountAsync(2);
            await Assertions.Expect(table.Locator($"tr[data-run='{server.Augmentation}']")).ToHaveCountAsync(0);
            await Assertions.Expect(chart.Locator("g.trace.scatter")).ToHaveCountAsync(2);

            // A tolerance of 100 points lets it back in; the best per method and sigma is then one row per method.
            var tolerance = page.Locator("[data-testid=tolerance] input, input[data-testid=tolerance]").First;
            await tolerance.FillAsync("100");
            await tolerance.PressAsync("Tab");
            await Assertions.Expect(rows).ToHaveCountAsync(3);
            await page.GetByText("best per method and sigma", new() { Exact = true }).ClickAsync();
            await Assertions.Expect(rows).ToHaveCountAsync(3);
            await Assertions.Expect(table.Locator("tr[data-best=true]")).ToHaveCountAsync(3);
            await session.ScreenshotAsync(page, "certified-best");

            // The run page shows the same run's curve and its report card.
            await session.GotoAsync(page, $"/runs/{server.Regularizer}");
            await Assertions.Expect(page.Locator("[data-testid=report-card] [data-card=certified-auc]")).ToContainTextAsync("0.4100");
            await Assertions.Expect(page.Locator("[data-testid=report-card] [data-card=corruption-accuracy]")).ToContainTextAsync("%");
            await Assertions.Expect(page.Locator("[data-chart='certified-" + server.Regularizer.ToString("N")[^8..] + "'] g.trace.scatter")).ToHaveCountAsync(1);
            await session.ScreenshotAsync(page, "run-detail-certified");
            session.AssertClean();
        });
    }

    [Fact]
    public async Task Corruptions_page_shows_the_table_the_heat_map_and_a_gallery_of_every_corruption()
    {
        await using var session = await BrowserSession.OpenAsync(browser, server, nameof(Corruptions_page_shows_the_table_the_heat_map_and_a_gallery_of_every_corruption), output);
        await session.RunAsync(async () =>
        {
            var page = await session.NewPageAsync();
            await session.GotoAsync(page, "/corruptions?dataset=fashion-mnist&model=lenet");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Common corruptions" })).ToBeVisibleAsync();

            var table = page.Locator("[data-testid=corruption-table]");
            await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(2);
            await Assertions.Expect(table.Locator($"tr[data-run='{server.Baseline}'] td[data-col=relative-mce]")).ToHaveTextAsync("100.0%");
            // Regularizer (clean 86%) against the baseline (clean 85%); rotate costs each 10 and 30 points.
            // CE: noise (0.2 + 0.3) / (0.4 + 0.6) = 0.5, rotate (0.24 + 0.44) / (0.25 + 0.45) = 0.9714; mCE = 0.7357.
            await Assertions.Expect(table.Locator($"tr[data-run='{server.Regularizer}'] td[data-col=mce]")).ToHaveTextAsync("73.6%");

            // The heat map of the reference baseline: a row per corruption plus clean, a cell per severity.
            var heatmap = page.Locator("[data-testid=heatmap]");
            await Assertions.Expect(heatmap.Locator("tbody tr")).ToHaveCountAsync(3);
            await Assertions.Expect(heatmap.Locator("tr[data-corruption=gaussian_noise] td[data-severity='2']")).ToHaveTextAsync("40.0%");

            // The reliability diagram: the diagonal, clean, and gaussian_noise at its two severities.
            await Assertions.Expect(page.Locator("[data-chart^='reliability-'] g.trace.scatter")).ToHaveCountAsync(4);

            // The gallery: every corruption at every severity, as images the browser decodes.
            var gallery = page.Locator("[data-testid=gallery]");
            await Assertions.Expect(gallery).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Assertions.Expect(gallery.Locator("tbody tr")).ToHaveCountAsync(CorruptionCatalog.Names.Count);
            var images = gallery.Locator("img[data-severity]");
            await Assertions.Expect(images).ToHaveCountAsync(CorruptionCatalog.Names.Count * 5);
            int decoded = await page.EvaluateAsync<int>(
                "() => Array.from(document.querySelectorAll('[data-testid=gallery] img')).filter(i => i.complete && i.naturalWidth === 28 && i.naturalHeight === 28).length");
            Assert.Equal(CorruptionCatalog.Names.Count * 6, decoded); // the clean image once per row, and five severities
            await session.ScreenshotAsync(page, "corruptions");
            session.AssertClean();
        });
    }
}
