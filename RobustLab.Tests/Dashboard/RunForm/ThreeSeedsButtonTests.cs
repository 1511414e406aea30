using Bunit;

namespace RobustLab.Tests.Dashboard.RunForm;

/// <summary>The "3 seeds" button next to the seed list: one click gives the comparison pages their error bars.</summary>
public sealed class ThreeSeedsButtonTests : IAsyncLifetime
{
    readonly RunFormContext _ctx = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    [Fact]
    public void Three_seeds_sets_the_seed_list_to_0_1_2_and_the_sweep_repeats_its_grid_for_each()
    {
        var cut = _ctx.RenderPage();

        cut.Find(".rl-seeds-3").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("0, 1, 2", cut.Find(".rl-field-seed input").GetAttribute("value"));
            // The default grid is one baseline and one regularizer setting: three of each.
            Assert.Equal("6 runs - a sweep (baseline 3, regularizer 3)", cut.Find(".rl-summary-runs").TextContent.Trim());
        });

        cut.Find(".rl-submit").Click();

        cut.WaitForAssertion(() => Assert.Equal(6, _ctx.Queue.Enqueued.Count));
        Assert.All(_ctx.Store.Runs.GroupBy(r => r.Method), g => Assert.Equal([0, 1, 2], g.Select(r => r.Seed).Order()));
    }
}
