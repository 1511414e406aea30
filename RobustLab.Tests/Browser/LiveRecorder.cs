using Microsoft.Playwright;

namespace RobustLab.Tests.Browser;

/// <summary>
/// Records, inside the page, every run status (<c>.rl-status[data-status]</c>) and progress text (<c>.rl-progress-text</c>)
/// the DOM shows, with a MutationObserver: a state that lasts only a moment ("running" of a two-second run) is still
/// seen, with no race against polling. The record lives on <c>window</c>, so it also proves that the page was not
/// reloaded (a reload would drop it); Blazor's in-page navigation keeps it.
/// </summary>
public static class LiveRecorder
{
    const string Start = """
        () => {
          if (window.__robustlabSeen) return;
          const seen = window.__robustlabSeen = [];
          const add = v => { if (!seen.includes(v)) seen.push(v); };
          const record = () => {
            document.querySelectorAll('.rl-status[data-status]').forEach(e => add('status:' + e.getAttribute('data-status')));
            document.querySelectorAll('.rl-progress-text').forEach(e => add('progress:' + e.textContent.replace(/\s+/g, ' ').trim()));
          };
          record();
          new MutationObserver(record).observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
        }
        """;

    public static Task StartAsync(IPage page) => page.EvaluateAsync(Start);

    /// <summary>What the page showed since <see cref="StartAsync"/>: "status:running", "progress:epoch 1 of 2 (50% of the epoch)", ...</summary>
    public static async Task<string[]> SeenAsync(IPage page)
    {
        var seen = await page.EvaluateAsync<string[]?>("() => window.__robustlabSeen ?? null");
        Assert.True(seen is not null, $"{page.Url} was reloaded (or left) since the recording started: its live updates must arrive without a reload.");
        return seen!;
    }
}
