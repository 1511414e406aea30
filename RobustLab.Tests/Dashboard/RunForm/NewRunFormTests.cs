using AngleSharp.Dom;
using Bunit;
using MudBlazor;
using RobustLab.Training.Loop;
using RobustLab.Web.Components.Pages;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.RunForm;

/// <summary>The "New run / sweep" page: problems flagged at their field before submit, the live summary, and submission.</summary>
public sealed class NewRunFormTests : IAsyncLifetime
{
    readonly RunFormContext _ctx = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    static IElement Field(IRenderedComponent<NewRun> cut, string name) => cut.Find($".rl-field-{name}");

    static void Type(IRenderedComponent<NewRun> cut, string name, string text) => cut.Find($".rl-field-{name} input").Change(text);

    /// <summary>Picks methods as the multi-select does when items are clicked in its popover.</summary>
    static void SelectMethods(IRenderedComponent<NewRun> cut, params string[] methods) => Pick(cut, "rl-field-methods", methods);

    static void SelectAttacks(IRenderedComponent<NewRun> cut, params string[] attacks) => Pick(cut, "rl-field-attacks", attacks);

    static void Pick(IRenderedComponent<NewRun> cut, string field, string[] values)
    {
        var select = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Class == field);
        cut.InvokeAsync(() => select.Instance.SelectedValuesChanged.InvokeAsync(values)).GetAwaiter().GetResult();
    }

    static void AssertFlagged(IRenderedComponent<NewRun> cut, string name, string message) =>
        cut.WaitForAssertion(() =>
        {
            var field = Field(cut, name);
            Assert.Contains(message, field.TextContent);
            Assert.NotNull(field.QuerySelector(".mud-input-error"));
        });

    [Theory]
    [InlineData("-1", "every sigma must be a number in (0, 100] (got -1)")]
    [InlineData("abc", "'abc' is not a number")]
    [InlineData("NaN", "every sigma must be a number in (0, 100] (got NaN)")]
    [InlineData("0.25, -1", "every sigma must be a number in (0, 100] (got -1)")]
    [InlineData("abc, -1", "'abc' is not a number")]
    [InlineData("abc, -1", "every sigma must be a number in (0, 100] (got -1)")]
    public void Sigma_field_flags_a_negative_unreadable_or_nan_sigma(string sigma, string message)
    {
        var cut = _ctx.RenderPage();
        Type(cut, "sigma", sigma);
        AssertFlagged(cut, "sigma", message);
        Assert.Contains("cannot be counted", cut.Find(".rl-summary").TextContent);
    }

    [Fact]
    public void Epochs_zero_is_flagged_at_the_epochs_field()
    {
        var cut = _ctx.RenderPage();
        Type(cut, "epochs", "0");
        AssertFlagged(cut, "epochs", "epochs must be a whole number in [1, 10000] (got 0)");
    }

    [Fact]
    public void Epochs_over_the_range_is_flagged_at_the_epochs_field()
    {
        var cut = _ctx.RenderPage();
        Type(cut, "epochs", "10001");
        AssertFlagged(cut, "epochs", "epochs must be a whole number in [1, 10000] (got 10001)");
    }

    [Fact]
    public void Regularizer_with_an_empty_alpha_list_flags_alpha()
    {
        var cut = _ctx.RenderPage();
        Type(cut, "alpha", "");
        AssertFlagged(cut, "alpha", "the regularizer needs at least one alpha");
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    public void Unknown_device_is_flagged_at_the_device_field(string device)
    {
        var cut = _ctx.RenderPage();
        Type(cut, "device", device);
        AssertFlagged(cut, "device", $"unknown device '{device}'");
    }

    [Fact]
    public void Grid_over_the_size_limit_is_flagged_with_the_methods()
    {
        var cut = _ctx.RenderPage();
        Type(cut, "sigma", string.Join(", ", Enumerable.Range(1, 40).Select(i => i / 100.0)));
        Type(cut, "alpha", string.Join(", ", Enumerable.Range(1, 30)));
        AssertFlagged(cut, "methods", "1201 runs exceed the limit of 1000");
    }

    [Fact]
    public void Summary_counts_baseline_once_and_the_regularizer_over_three_sigmas_and_two_alphas()
    {
        var cut = _ctx.RenderPage();
        Type(cut, "sigma", "0.125, 0.25, 0.5");
        Type(cut, "alpha", "0.5, 1");
        cut.WaitForAssertion(() =>
            Assert.Equal("7 runs - a sweep (baseline 1, regularizer 6)", cut.Find(".rl-summary-runs").TextContent.Trim()));
        Assert.Contains("Queue 7 runs", cut.Find(".rl-submit").TextContent);
    }

    [Fact]
    public void Summary_counts_augmentation_over_sigma_and_copies_and_repeats_the_grid_per_seed()
    {
        var cut = _ctx.RenderPage();
        SelectMethods(cut, "augmentation", "regularizer");
        Type(cut, "sigma", "0.125, 0.25, 0.5");
        Type(cut, "alpha", "0.5, 1");
        Type(cut, "copies", "1, 6");
        Type(cut, "seed", "0, 1, 1");
        cut.WaitForAssertion(() =>
            Assert.Equal("24 runs - a sweep (augmentation 12, regularizer 12)", cut.Find(".rl-summary-runs").TextContent.Trim()));
    }

    [Fact]
    public void Augmentation_without_copies_flags_the_copies_field()
    {
        var cut = _ctx.RenderPage();
        SelectMethods(cut, "augmentation");
        AssertFlagged(cut, "copies", "augmentation needs at least one N~");
        Type(cut, "copies", "1.5");
        AssertFlagged(cut, "copies", "'1.5' is not a whole number");
    }

    [Fact]
    public void No_method_is_flagged_at_the_methods_field()
    {
        var cut = _ctx.RenderPage();
        SelectMethods(cut);
        AssertFlagged(cut, "methods", "list at least one of baseline, augmentation, regularizer");
    }

    [Fact]
    public void Estimate_without_a_finished_run_says_no_measured_speed_yet()
    {
        var cut = _ctx.RenderPage();
        cut.WaitForAssertion(() => Assert.Contains("no measured speed yet", cut.Find(".rl-summary-estimate").TextContent));
    }

    [Fact]
    public void Estimate_uses_the_measured_speed_of_succeeded_runs()
    {
        // A regularizer run at sigma 0.5 (not the form's 0.25, so nothing is reused) measured 1000 samples/s.
        _ctx.AddSucceeded(RunFormContext.DefaultRegularizer with { Sigma = 0.5 }, imagesPerSecond: 1000);
        var cut = _ctx.RenderPage();

        // 5000 images less the 10% validation hold-out, 3 epochs: 13,500 samples per run. The regularizer at its own
        // measured 1000/s takes 13.5 s; the baseline, never measured, counts as half a regularizer step: 6.75 s. The
        // measured run spent 59 s from start to finish, 3 s of it in epochs: 56 s of evaluation per run.
        cut.WaitForAssertion(() => Assert.Contains("about 2 min: 20 s training + 2 min evaluation", cut.Find(".rl-summary-estimate").TextContent));
        string basis = cut.Find(".rl-summary").TextContent;
        Assert.Contains("regularizer: 1,000 samples/s, the mean of 3 epochs in 1 succeeded lenet regularizer run on fashion-mnist", basis);
        Assert.Contains("baseline: no succeeded lenet baseline run on fashion-mnist yet; 2,000 samples/s derived from 1 succeeded lenet run", basis);
    }

    [Fact]
    public void Summary_counts_a_succeeded_identical_configuration_as_reused()
    {
        _ctx.AddSucceeded(RunFormContext.DefaultRegularizer, imagesPerSecond: 1000);
        var cut = _ctx.RenderPage();
        cut.WaitForAssertion(() =>
            Assert.Contains("1 already succeeded with the same configuration and will be reused; 1 will be queued", cut.Find(".rl-summary-reuse").TextContent));
        Assert.Contains("Queue 1 run", cut.Find(".rl-submit").TextContent);
    }

    [Fact]
    public void Default_form_submits_one_sweep_of_two_runs_and_enqueues_them()
    {
        var cut = _ctx.RenderPage();
        cut.Find(".rl-submit").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, _ctx.Queue.Enqueued.Count));
        var sweep = Assert.Single(_ctx.Store.Sweeps);
        Assert.Equal("fashion-mnist", sweep.Dataset);
        var runs = _ctx.Store.Runs.OrderBy(r => r.Method).ToList();
        Assert.All(runs, r => Assert.Equal(sweep.Id, r.SweepId));
        Assert.Equal([TrainingMethod.Baseline, TrainingMethod.Regularizer], runs.Select(r => r.Method));
        Assert.Equal(0.25, runs[1].Sigma);
        Assert.Equal(1, runs[1].Alpha);
        Assert.All(runs, r => Assert.Equal(3, r.Epochs));
        Assert.Equal(runs.Select(r => r.Id).Order(), _ctx.Queue.Enqueued.Select(e => e.RunId).Order());
        Assert.Contains(_ctx.Snackbar.ShownSnackbars, s => s.Message == "Queued 2 runs (0 reused)");
        Assert.EndsWith("/", _ctx.NavigatedTo);
    }

    [Fact]
    public void A_sweep_reuses_a_succeeded_configuration_and_queues_the_rest()
    {
        var done = _ctx.AddSucceeded(RunFormContext.DefaultRegularizer, imagesPerSecond: 1000);
        var cut = _ctx.RenderPage();
        cut.Find(".rl-submit").Click();

        cut.WaitForAssertion(() => Assert.Contains(_ctx.Snackbar.ShownSnackbars, s => s.Message == "Queued 1 run (1 reused)"));
        Assert.Equal([done.Id], Assert.Single(_ctx.Store.Sweeps).ReusedRunIds);
        Assert.Single(_ctx.Queue.Enqueued);
    }

    [Fact]
    public void One_configuration_is_submitted_as_a_single_run_and_opens_its_page()
    {
        var cut = _ctx.RenderPage();
        Type(cut, "sigma", "0.5");
        Type(cut, "alpha", "2");
        Type(cut, "seed", "7");
        // Baseline and regularizer are two runs; one method, one sigma, one alpha and one seed make one.
        SelectMethods(cut, "regularizer");
        cut.WaitForAssertion(() => Assert.Equal("1 run - a single run", cut.Find(".rl-summary-runs").TextContent.Trim()));
        cut.Find(".rl-submit").Click();

        cut.WaitForAssertion(() => Assert.Single(_ctx.Queue.Enqueued));
        var run = Assert.Single(_ctx.Store.Runs);
        Assert.Null(run.SweepId);
        Assert.Empty(_ctx.Store.Sweeps);
        Assert.Equal((TrainingMethod.Regularizer, 0.5, 2.0, 7), (run.Method, run.Sigma, run.Alpha, run.Seed));
        Assert.EndsWith($"/runs/{run.Id}", _ctx.NavigatedTo);
        Assert.Contains(_ctx.Snackbar.ShownSnackbars, s => s.Message == "Queued 1 run (0 reused)");
    }

    [Fact]
    public void Invalid_submit_queues_nothing_and_keeps_what_was_typed()
    {
        var cut = _ctx.RenderPage();
        Type(cut, "sigma", "0.25, -1");
        cut.Find(".rl-submit").Click();

        cut.WaitForAssertion(() => Assert.Contains(_ctx.Snackbar.ShownSnackbars, s => s.Message.StartsWith("Not queued")));
        Assert.Empty(_ctx.Store.Runs);
        Assert.Empty(_ctx.Queue.Enqueued);
        Assert.Equal("0.25, -1", cut.Find(".rl-field-sigma input").GetAttribute("value"));
        Assert.DoesNotContain("/runs", _ctx.NavigatedTo);
    }

    [Fact]
    public void Attacks_are_none_by_default_with_every_attack_offered_and_the_sample_count_disabled()
    {
        var cut = _ctx.RenderPage();

        var select = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Class == "rl-field-attacks");
        Assert.Empty(select.Instance.SelectedValues ?? []);
        Assert.Contains("Attacks after training", Field(cut, "attacks").TextContent);
        Assert.True(cut.Find(".rl-field-attackSamples input").HasAttribute("disabled"));
        Assert.Equal("100", cut.Find(".rl-field-attackSamples input").GetAttribute("value"));
        Assert.Empty(cut.FindAll(".rl-summary-attacks"));
    }

    [Fact]
    public void Attack_samples_out_of_range_are_flagged_at_their_field()
    {
        var cut = _ctx.RenderPage();
        SelectAttacks(cut, "fgsm");
        cut.WaitForAssertion(() => Assert.False(cut.Find(".rl-field-attackSamples input").HasAttribute("disabled")));
        Type(cut, "attackSamples", "0");
        AssertFlagged(cut, "attackSamples", "must be in [1, 10000] (got 0)");
        Assert.Contains("cannot be counted", cut.Find(".rl-summary").TextContent);
    }

    [Fact]
    public void Ticked_attacks_are_submitted_with_every_run_in_table_1_order()
    {
        var cut = _ctx.RenderPage();
        SelectAttacks(cut, "saltpepper", "pgd");
        Type(cut, "attackSamples", "50");
        cut.WaitForAssertion(() => Assert.Contains("pgd, saltpepper on 50 test images", cut.Find(".rl-summary-attacks").TextContent));
        cut.Find(".rl-submit").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, _ctx.Queue.Enqueued.Count));
        foreach (var run in _ctx.Store.Runs)
        {
            var options = System.Text.Json.JsonSerializer.Deserialize<TrainingOptions>(run.ConfigJson, RobustLab.Training.Checkpoints.RunJson.Options)!;
            Assert.Equal(["pgd", "saltpepper"], options.Attacks);
            Assert.Equal(50, options.AttackSamples);
            Assert.EndsWith(";attacks=pgd,saltpepper;attackSamples=50", run.ConfigKey);
        }
    }
}
