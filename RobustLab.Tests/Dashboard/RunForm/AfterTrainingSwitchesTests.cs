using Bunit;
using MudBlazor;
using RobustLab.Training.Certification;
using RobustLab.Training.Loop;
using RobustLab.Web.Components.Pages;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.RunForm;

/// <summary>
/// The form's "Certify after training" and "Corruptions after training" switches: what is submitted carries the plans
/// the API takes (a baseline certified at the smallest listed sigma), and a bad value is flagged at its field with the API's name.
/// </summary>
public sealed class AfterTrainingSwitchesTests : IAsyncLifetime
{
    readonly RunFormContext _ctx = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    static void Switch(IRenderedComponent<NewRun> cut, string field, bool on)
    {
        var toggle = cut.FindComponents<MudSwitch<bool>>().Single(s => s.Instance.Class == $"rl-field-{field}");
        cut.InvokeAsync(() => toggle.Instance.ValueChanged.InvokeAsync(on)).GetAwaiter().GetResult();
    }

    static void Type(IRenderedComponent<NewRun> cut, string name, string text) => cut.Find($".rl-field-{name} input").Change(text);

    [Fact]
    public void Switched_on_the_sweep_carries_the_certification_and_corruption_plans()
    {
        var cut = _ctx.RenderPage();
        Switch(cut, "certify", true);
        Switch(cut, "corruptions", true);
        Type(cut, "certify-n", "2000");
        Type(cut, "certify-images", "50");
        Type(cut, "corruptions-testSubset", "300");
        cut.Find(".rl-submit").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, _ctx.Queue.Enqueued.Count));
        var runs = _ctx.Store.Runs.OrderBy(r => r.Method).Select(r => r.ReadOptions()).ToList();
        var defaults = new CertificationPlan();
        Assert.All(runs, o =>
        {
            Assert.Equal((defaults.N0, 2000, defaults.Alpha, 50), (o.Certify!.N0, o.Certify.N, o.Certify.Alpha, o.Certify.Images));
            Assert.Equal(("all", "1,2,3,4,5", (int?)300), (o.Corruptions!.Corruptions, o.Corruptions.Severities, o.Corruptions.TestSubset));
        });
        // The baseline trains without noise: it is certified at the smallest listed sigma; the regularizer at its own (null: the training sigma).
        Assert.Equal(TrainingMethod.Baseline, runs[0].Method);
        Assert.Equal(0.25, runs[0].Certify!.SigmaFor(runs[0].Sigma));
        Assert.Equal(0.25, runs[1].Certify!.SigmaFor(runs[1].Sigma));
    }

    [Fact]
    public void Switched_off_nothing_is_planned_after_training()
    {
        var cut = _ctx.RenderPage();
        Switch(cut, "certify", true);
        Switch(cut, "certify", false);
        cut.Find(".rl-submit").Click();
        cut.WaitForAssertion(() => Assert.Equal(2, _ctx.Queue.Enqueued.Count));
        Assert.All(_ctx.Store.Runs.Select(r => r.ReadOptions()), o => Assert.True(o.Certify is null && o.Corruptions is null));
    }

    [Fact]
    public void A_bad_certification_value_is_flagged_at_its_field_and_nothing_is_queued()
    {
        var cut = _ctx.RenderPage();
        Switch(cut, "certify", true);
        Type(cut, "certify-n", "0");
        cut.Find(".rl-submit").Click();

        cut.WaitForAssertion(() =>
        {
            var field = cut.Find(".rl-field-certify-n");
            Assert.Contains("certify.n", cut.Find(".rl-summary").TextContent);
            Assert.NotNull(field.QuerySelector(".mud-input-error"));
            Assert.Contains("n ", field.TextContent);
        });
        Assert.Empty(_ctx.Queue.Enqueued);
        Assert.Empty(_ctx.Store.Runs);
    }
}
