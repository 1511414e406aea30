using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RobustLab.Training.Loop;
using RobustLab.Training.Models;
using Xunit.Abstractions;
using static RobustLab.Tests.Browser.FormControls;

namespace RobustLab.Tests.Browser;

/// <summary>
/// Issue 14's promise, as a user meets it: one sweep from the form trains the six methods on LeNet and ResNet-20 over
/// Fashion-MNIST, and the fair comparison and trade-off pages of each model compare all six with their training seconds.
/// The runs are tiny (100 training and 50 test images, one epoch, a lighter moment-gap estimate than the other browser
/// tests' server) so that the twelve, six of them ResNet-20, finish in a minute or two on two idle cores.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
[Trait("Category", "Slow")]
public sealed class MultiModelSweepTests(BrowserFixture browser, MultiModelSweepTests.Server server, ITestOutputHelper output)
    : IClassFixture<MultiModelSweepTests.Server>
{
    public sealed class Server : DashboardServer
    {
        protected override void Configure(Dictionary<string, string?> environment)
        {
            environment["Runs__Evaluation__MomentGapImages"] = "16";
            environment["Runs__Evaluation__MomentGapSamples"] = "4";
        }
    }

    static readonly string[] Models = ["lenet", "resnet20"];

    /// <summary>A training-seconds cell: the mean, and "± std" when there are several seeds ("0.8 s", "12.3 ± 0.4 s").</summary>
    static readonly Regex Seconds = new(@"^\s*\d+(\.\d)?( ± \d+(\.\d)?)? s\s*$");

    [Fact]
    public async Task One_sweep_from_the_form_trains_six_methods_on_two_models_and_each_models_comparisons_show_them_with_training_seconds()
    {
        var clock = Stopwatch.StartNew();
        await using var session = await BrowserSession.OpenAsync(browser, server,
            nameof(One_sweep_from_the_form_trains_six_methods_on_two_models_and_each_models_comparisons_show_them_with_training_seconds), output);
        await session.RunAsync(async () =>
        {
            var page = await session.NewPageAsync();
            await session.GotoAsync(page, "/new");
            await ChooseAsync(page, "Data set", "fashion-mnist");
            await ChooseManyAsync(page, "Models", ModelFactory.Architectures, Models);
            await ChooseManyAsync(page, "Methods", TrainingMethods.Names, [.. TrainingMethods.Names]);
            await FillAsync(page, "Sigma list", "0.25");
            await FillAsync(page, "Alpha list", "1");
            await FillAsync(page, "N~ (noisy copies) list", "1");
            await FillAsync(page, "Seed list", "0");
            await FillAsync(page, "Epochs", "1");
            await FillAsync(page, "Batch size", "50");
            await FillAsync(page, "Train subset", "100");
            await FillAsync(page, "Test subset", "50");
            // The learning rate stays empty: each model trains with its own protocol's.
            await FillAsync(page, "Learning rate", "");

            await Assertions.Expect(page.Locator(".rl-summary-runs")).ToContainTextAsync("12 runs - a sweep over 2 models (lenet, resnet20), each");
            var submit = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Queue 12 runs$") });
            await Assertions.Expect(submit).ToBeEnabledAsync();
            await session.ScreenshotAsync(page, "new-two-model-sweep");
            await submit.ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/(\?.*)?$"), new() { Timeout = 15_000 });
            output.WriteLine($"submitted after {clock.Elapsed.TotalSeconds:0} s");

            var ids = await server.ListRunIdsAsync();
            Assert.Equal(12, ids.Count);
            var deadline = TimeSpan.FromMinutes(8);
            var byModel = new Dictionary<string, List<string>>();
            foreach (var id in ids)
            {
                var run = await server.WaitForSuccessAsync(id, deadline - clock.Elapsed);
                var config = run.GetProperty("config");
                string model = config.GetProperty("model").GetString()!;
                byModel.TryAdd(model, []);
                byModel[model].Add(config.GetProperty("method").GetString()!);
                Assert.Equal(1, config.GetProperty("epochs").GetInt32());
                Assert.Equal(100, config.GetProperty("trainSubset").GetInt32());
            }
            output.WriteLine($"12 runs succeeded after {clock.Elapsed.TotalSeconds:0} s");
            Assert.Equal(Models, byModel.Keys.Order());
            Assert.All(byModel.Values, methods => Assert.Equal(TrainingMethods.Names.Order(), methods.Order()));

            foreach (string model in Models)
            {
                // Fair comparison at a tolerance of 100 points: every method competes, so each has its best row.
                await session.GotoAsync(page, $"/compare?dataset=fashion-mnist&model={model}&tolerance=100");
                var best = page.Locator("[data-testid=best-per-method] tbody tr");
                await Assertions.Expect(best).ToHaveCountAsync(TrainingMethods.Names.Count, new() { Timeout = 30_000 });
                foreach (string method in TrainingMethods.Names)
                {
                    var row = best.Filter(new() { Has = page.Locator("[data-col=setting]", new() { HasTextRegex = new Regex($"^\\s*{method}\\b") }) });
                    await Assertions.Expect(row).ToHaveCountAsync(1);
                    await Assertions.Expect(row.Locator("[data-col=seconds]")).ToHaveTextAsync(Seconds);
                }
                await session.ScreenshotAsync(page, $"compare-{model}");
            }

            // The trade-off page opens on LeNet; ResNet-20's is reached through its model selector.
            await session.GotoAsync(page, "/tradeoff?dataset=fashion-mnist&model=lenet");
            foreach (string model in Models)
            {
                if (model != "lenet") await ChooseAsync(page, "Model", model);
                await Assertions.Expect(page.Locator($"[data-chart='tradeoff-accuracy-fashion-mnist-{model}']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
                var settings = page.Locator("[data-testid=settings-table] tbody tr");
                await Assertions.Expect(settings).ToHaveCountAsync(TrainingMethods.Names.Count, new() { Timeout = 30_000 });
                foreach (string method in TrainingMethods.Names)
                {
                    var row = page.Locator($"[data-testid=settings-table] tbody tr[data-setting^='{method}']");
                    await Assertions.Expect(row).ToHaveCountAsync(1);
                    await Assertions.Expect(row.Locator("[data-col=seconds]")).ToHaveTextAsync(Seconds);
                }
                await session.ScreenshotAsync(page, $"tradeoff-{model}");
            }
            session.AssertClean();
        });
        output.WriteLine($"the test took {clock.Elapsed.TotalSeconds:0} s");
    }
}
