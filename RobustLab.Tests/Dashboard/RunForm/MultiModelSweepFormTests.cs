using Bunit;
using MudBlazor;
using RobustLab.Training.Loop;
using RobustLab.Web.Components.Pages;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.RunForm;

/// <summary>
/// The form's sweep over several models (the grid once per model, each with its protocol, the estimate summed over the
/// models) and the newer methods' fields reaching the runs it creates.
/// </summary>
public sealed class MultiModelSweepFormTests : IAsyncLifetime
{
    readonly RunFormContext _ctx = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    static readonly string[] SixMethods = ["baseline", "augmentation", "gaussian", "stability", "consistency", "regularizer"];

    static void Type(IRenderedComponent<NewRun> cut, string name, string text) => cut.Find($".rl-field-{name} input").Change(text);

    /// <summary>Sets a multi-select as clicking its items does.</summary>
    static void Pick(IRenderedComponent<NewRun> cut, string name, params string[] values)
    {
        var select = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Class == $"rl-field-{name}");
        cut.InvokeAsync(() => select.Instance.SelectedValuesChanged.InvokeAsync(values)).GetAwaiter().GetResult();
    }

    /// <summary>Sets a single select as clicking an item does.</summary>
    static void Choose(IRenderedComponent<NewRun> cut, string name, string value)
    {
        var select = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Class == $"rl-field-{name}");
        cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(value)).GetAwaiter().GetResult();
    }

    [Fact]
    public void Two_models_and_six_methods_submit_one_sweep_of_the_grid_for_each_model_with_its_protocol()
    {
        var cut = _ctx.RenderPage();
        Pick(cut, "models", "resnet20", "lenet");
        Pick(cut, "methods", SixMethods);
        Type(cut, "sigma", "0.25");
        Type(cut, "alpha", "1");
        Type(cut, "copies", "2");
        Type(cut, "epochs", "");
        Type(cut, "batchSize", "");
        Type(cut, "lr", "");

        cut.WaitForAssertion(() => Assert.Equal(
            "12 runs - a sweep over 2 models (lenet, resnet20), each (baseline 1, augmentation 1, regularizer 1, gaussian 1, stability 1, consistency 1)",
            cut.Find(".rl-summary-runs").TextContent.Trim()));
        // Empty training fields take each model's protocol, and the page says which that is.
        string protocolNote = cut.Find(".rl-protocol").TextContent;
        Assert.Contains($"lenet: {Protocol.For("lenet").Optimizer}", protocolNote);
        Assert.Contains($"resnet20: {Protocol.For("resnet20").Optimizer}", protocolNote);
        cut.Find(".rl-submit").Click();

        cut.WaitForAssertion(() => Assert.Equal(12, _ctx.Queue.Enqueued.Count));
        var sweep = Assert.Single(_ctx.Store.Sweeps);
        Assert.Equal(["lenet", "resnet20"], sweep.Models);
        foreach (string model in new[] { "lenet", "resnet20" })
        {
            var runs = _ctx.Store.Runs.Where(r => r.Model == model).ToList();
            Assert.Equal(SixMethods.Order(), runs.Select(r => r.Method.Name()).Order());
            var protocol = Protocol.For(model);
            Assert.All(runs, r =>
            {
                var resolved = r.ReadOptions()!.Resolve();
                Assert.Equal((protocol.Epochs, protocol.BatchSize, protocol.LearningRate), (resolved.Epochs, resolved.BatchSize, resolved.LearningRate));
            });
        }
        Assert.Contains(_ctx.Snackbar.ShownSnackbars, s => s.Message == "Queued 12 runs (0 reused)");
    }

    [Fact]
    public void The_estimate_sums_each_models_runs_at_that_models_measured_speed()
    {
        // Measured: lenet baselines at 1000 samples/s, resnet20 baselines at 100 (seed 9: nothing the form asks is reused).
        var measured = new TrainingOptions
        {
            Dataset = "fashion-mnist", Method = TrainingMethod.Baseline, Epochs = 1, TrainSubset = 1000, TestSubset = 100,
            BatchSize = 100, LearningRate = 0.001, Seed = 9, Device = "cpu",
        };
        _ctx.AddSucceeded(measured with { Model = "lenet" }, imagesPerSecond: 1000);
        _ctx.AddSucceeded(measured with { Model = "resnet20" }, imagesPerSecond: 100);
        var cut = _ctx.RenderPage();
        Pick(cut, "models", "lenet", "resnet20");
        Pick(cut, "methods", "baseline");
        Type(cut, "epochs", "1");
        Type(cut, "trainSubset", "1000");

        // 1000 images less the 10% hold-out, one epoch: 900 samples per run; lenet 0.9 s + resnet20 9 s = 9.9 s.
        cut.WaitForAssertion(() => Assert.Contains("Estimated training time: about 10 s", cut.Find(".rl-summary-estimate").TextContent));
        string basis = cut.Find(".rl-summary").TextContent;
        Assert.Contains("1 succeeded lenet baseline run on fashion-mnist", basis);
        Assert.Contains("1 succeeded resnet20 baseline run on fashion-mnist", basis);
        Assert.Contains("Queue 2 runs", cut.Find(".rl-submit").TextContent);
    }

    [Fact]
    public void No_model_chosen_is_flagged_at_the_models_field_and_queues_nothing()
    {
        var cut = _ctx.RenderPage();
        Pick(cut, "models");

        cut.WaitForAssertion(() => Assert.Contains("choose at least one model", cut.Find(".rl-field-models").TextContent));
        cut.Find(".rl-submit").Click();
        cut.WaitForAssertion(() => Assert.Contains(_ctx.Snackbar.ShownSnackbars, s => s.Message.StartsWith("Not queued")));
        Assert.Empty(_ctx.Store.Runs);
    }

    [Fact]
    public void The_method_fields_reach_the_configuration_of_the_runs_created()
    {
        var cut = _ctx.RenderPage();
        Pick(cut, "methods", "stability", "consistency", "regularizer");
        Type(cut, "sigma", "0.25");
        Type(cut, "alpha", "0.5");
        Type(cut, "lambda", "0.75");
        Type(cut, "consistencyCopies", "3");
        Type(cut, "eta", "0.25");
        Type(cut, "gamma", "0.5");
        Choose(cut, "regularizerForm", "mixed");
        Choose(cut, "regularizerTarget", "predictions");
        cut.WaitForAssertion(() => Assert.Equal("3 runs - a sweep (regularizer 1, stability 1, consistency 1)", cut.Find(".rl-summary-runs").TextContent.Trim()));
        cut.Find(".rl-submit").Click();

        cut.WaitForAssertion(() => Assert.Equal(3, _ctx.Queue.Enqueued.Count));
        var options = _ctx.Store.Runs.ToDictionary(r => r.Method, r => r.ReadOptions()!);
        Assert.Equal(0.75, options[TrainingMethod.Stability].Lambda);
        var consistency = options[TrainingMethod.Consistency];
        Assert.Equal((0.75, 3, 0.25), (consistency.Lambda, consistency.ConsistencyCopies, consistency.Eta));
        var regularizer = options[TrainingMethod.Regularizer];
        Assert.Equal((RegularizerForm.Mixed, RegularizerTarget.Predictions, 0.5, 0.5),
            (regularizer.RegularizerForm, regularizer.RegularizerTarget, regularizer.Gamma, regularizer.Alpha));
    }
}
