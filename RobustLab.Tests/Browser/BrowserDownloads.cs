using Microsoft.Playwright;

namespace RobustLab.Tests.Browser;

static class BrowserDownloads
{
    /// <summary>
    /// Clicks and returns the download, whether it starts in this tab (page.RunAndWaitForDownloadAsync) or, for a link
    /// with target=_blank, in the tab the click opens.
    /// </summary>
    public static async Task<IDownload> DownloadAsync(BrowserSession session, IPage page, Func<Task> click)
    {
        var fromPopup = new TaskCompletionSource<IDownload>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnPage(object? _, IPage popup) => popup.Download += (_, d) => fromPopup.TrySetResult(d);
        session.Context.Page += OnPage;
        try
        {
            var inPage = page.RunAndWaitForDownloadAsync(click, new() { Timeout = 30_000 });
            var first = await Task.WhenAny(inPage, fromPopup.Task);
            if (first == inPage) return await inPage;
            _ = inPage.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted); // it times out; nothing to report
            return await fromPopup.Task;
        }
        finally { session.Context.Page -= OnPage; }
    }
}
