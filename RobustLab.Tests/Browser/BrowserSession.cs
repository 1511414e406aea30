using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace RobustLab.Tests.Browser;

/// <summary>
/// One test's browser context (its own cookies and storage) against one <see cref="DashboardServer"/>: every page it
/// opens is watched for console errors, uncaught exceptions and requests to any host but 127.0.0.1 (no CDN, no web
/// fonts). Screenshots go to <see cref="BrowserFixture.ScreenshotFolder"/> as &lt;test&gt;-&lt;page&gt;.png (full page).
/// <see cref="RunAsync"/> runs the test body under a Playwright trace; when the body fails it saves the trace, the
/// console log, the server's output and a screenshot of every open page to <see cref="BrowserFixture.FailureFolder"/>.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    readonly DashboardServer _server;
    readonly ITestOutputHelper _output;
    readonly ConcurrentQueue<string> _log = new();
    readonly ConcurrentQueue<string> _consoleErrors = new();
    readonly ConcurrentQueue<string> _foreignRequests = new();
    readonly ConcurrentDictionary<IPage, BlazorSocket> _sockets = new();
    readonly List<IPage> _pages = [];
    bool _tracing;

    public string TestName { get; }
    /// <summary>The test case (a theory's data row) for the failure artifacts' names; null for a fact.</summary>
    public string? CaseName { get; }
    public IBrowserContext Context { get; }

    /// <summary>Console errors and uncaught page errors seen so far, on every page of this session.</summary>
    public IReadOnlyCollection<string> ConsoleErrors => _consoleErrors.ToArray();

    /// <summary>Requests (and web sockets) to anything but 127.0.0.1, on every page of this session.</summary>
    public IReadOnlyCollection<string> ForeignRequests => _foreignRequests.ToArray();

    /// <summary>The console log (every message, page error, failed request and navigation) so far.</summary>
    public string Log => string.Join('\n', _log);

    BrowserSession(IBrowserContext context, DashboardServer server, string testName, string? caseName, ITestOutputHelper output)
    {
        Context = context;
        _server = server;
        TestName = testName;
        CaseName = caseName;
        _output = output;
    }

    public static async Task<BrowserSession> OpenAsync(BrowserFixture browser, DashboardServer server, string testName,
        ITestOutputHelper output, string? caseName = null)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            AcceptDownloads = true,
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(20_000);
        context.SetDefaultNavigationTimeout(30_000);
        var session = new BrowserSession(context, server, testName, caseName, output);
        await context.Tracing.StartAsync(new TracingStartOptions { Title = testName, Screenshots = true, Snapshots = true });
        session._tracing = true;
        return session;
    }

    /// <summary>A new tab in this session's context, watched like every other.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var page = await Context.NewPageAsync();
        int tab;
        lock (_pages) { _pages.Add(page); tab = _pages.Count; }
        string prefix = $"[tab {tab}]";
        page.Console += (_, m) =>
        {
            _log.Enqueue($"{Now} {prefix} console.{m.Type}: {m.Text} ({m.Location})");
            if (m.Type == "error") _consoleErrors.Enqueue($"{prefix} {m.Text} ({m.Location})");
        };
        page.PageError += (_, e) =>
        {
            _log.Enqueue($"{Now} {prefix} page error: {e}");
            _consoleErrors.Enqueue($"{prefix} uncaught: {e}");
        };
        page.Request += (_, r) => CheckHost(prefix, r.Url, r.ResourceType);
        page.RequestFailed += (_, r) => _log.Enqueue($"{Now} {prefix} request failed: {r.Method} {r.Url}: {r.Failure}");
        page.Response += (_, r) => { if (r.Status >= 400) _log.Enqueue($"{Now} {prefix} HTTP {r.Status}: {r.Request.Method} {r.Url}"); };
        page.FrameNavigated += (_, f) => { if (f.ParentFrame is null) _log.Enqueue($"{Now} {prefix} navigated: {f.Url}"); };
        var socket = new BlazorSocket();
        _sockets[page] = socket;
        page.WebSocket += (_, ws) =>
        {
            CheckHost(prefix, ws.Url, "websocket");
            _log.Enqueue($"{Now} {prefix} web socket: {ws.Url}");
            if (ws.Url.Contains("/_blazor", StringComparison.Ordinal))
            {
                socket.Reset();
                ws.FrameReceived += (_, _) => socket.Received();
                ws.Close += (_, _) => _log.Enqueue($"{Now} {prefix} web socket closed: {ws.Url}");
            }
        };
        return page;
    }

    /// <summary>Opens <paramref name="path"/>, asserts HTTP 200 and waits until Blazor's circuit is interactive.</summary>
    public async Task<IResponse> GotoAsync(IPage page, string path)
    {
        _sockets[page].Reset();
        IResponse? response;
        try { response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load }); }
        catch (PlaywrightException e) when (e.Message.Contains("net::ERR_HTTP_RESPONSE_CODE_FAILURE"))
        {
            // Chromium's answer to an error status with an empty body, e.g. the 404 of a page that does not exist.
            string server = _server.Process.Output;
            Assert.Fail($"GET {path} answered an HTTP error status (404: no such page; 500: see the server's output).\n{Log}\n" +
                        $"server output (end):\n{(server.Length > 4000 ? server[^4000..] : server)}");
            throw;
        }
        Assert.True(response is not null, $"GET {path}: no response.");
        Assert.True(response!.Status == 200, $"GET {path} answered HTTP {response.Status}.");
        await WaitForInteractiveAsync(page);
        return response;
    }

    /// <summary>
    /// Waits until the page's Blazor circuit is up: its web socket to /_blazor has received render batches and then a
    /// short pause (the prerendered HTML is inert until then: clicks and typing before it are lost).
    /// </summary>
    public async Task WaitForInteractiveAsync(IPage page, TimeSpan? timeout = null)
    {
        var socket = _sockets[page];
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        // The SignalR handshake, the circuit's start and the first render batch are at least three frames.
        while (socket.Frames < 3 || DateTime.UtcNow - socket.LastFrame < TimeSpan.FromMilliseconds(300))
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"{page.Url}: Blazor's circuit did not start within the time limit ({socket.Frames} frames received).\n{Log}");
            await Task.Delay(50);
        }
    }

    /// <summary>A full-page screenshot as &lt;ScreenshotFolder&gt;/&lt;test&gt;-&lt;name&gt;.png; returns (and prints) its path.</summary>
    public async Task<string> ScreenshotAsync(IPage page, string name)
    {
        string path = Path.Combine(BrowserFixture.ScreenshotFolder, $"{TestName}-{Safe(name)}.png");
        // From the top: with the app bar fixed, a full-page shot of a scrolled page shows the bar in the middle.
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        _output.WriteLine($"screenshot: {path}");
        return path;
    }

    /// <summary>Asserts that no page of this session logged a console error or asked a host other than 127.0.0.1.</summary>
    public void AssertClean()
    {
        Assert.True(_foreignRequests.IsEmpty,
            $"Requests left 127.0.0.1 (every asset must be served locally):\n{string.Join('\n', _foreignRequests)}");
        Assert.True(_consoleErrors.IsEmpty, $"Console errors:\n{string.Join('\n', _consoleErrors)}\n\nlog:\n{Log}");
    }

    /// <summary>
    /// Runs the test body. On failure saves &lt;FailureFolder&gt;/&lt;test&gt;.trace.zip (open with `playwright show-trace`
    /// or https://trace.playwright.dev), &lt;test&gt;.console.log, &lt;test&gt;.server.log and a screenshot of each open tab,
    /// prints their paths, and rethrows.
    /// </summary>
    public async Task RunAsync(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch
        {
            await SaveFailureArtifactsAsync();
            throw;
        }
    }

    async Task SaveFailureArtifactsAsync()
    {
        string stem = Path.Combine(BrowserFixture.FailureFolder, Safe(CaseName is null ? TestName : $"{TestName}-{CaseName}"));
        try
        {
            IPage[] pages;
            lock (_pages) pages = _pages.ToArray();
            for (int i = 0; i < pages.Length; i++)
            {
                if (pages[i].IsClosed) continue;
                string shot = $"{stem}.tab{i + 1}.png";
                try
                {
                    await pages[i].ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true, Timeout = 10_000 });
                    _output.WriteLine($"failure screenshot: {shot}");
                }
                catch (PlaywrightException e) { _output.WriteLine($"failure screenshot of tab {i + 1} failed: {e.Message}"); }
            }
            if (_tracing)
            {
                _tracing = false;
                await Context.Tracing.StopAsync(new TracingStopOptions { Path = stem + ".trace.zip" });
                _output.WriteLine($"trace: {stem}.trace.zip");
            }
        }
        catch (Exception e) { _output.WriteLine($"could not save the trace: {e.Message}"); }
        await File.WriteAllTextAsync(stem + ".console.log", Log + "\n");
        await File.WriteAllTextAsync(stem + ".server.log", _server.Process.Output);
        _output.WriteLine($"console log: {stem}.console.log");
        _output.WriteLine($"server log: {stem}.server.log");
        _output.WriteLine("console log:\n" + Log);
    }

    public async ValueTask DisposeAsync()
    {
        if (_tracing)
        {
            _tracing = false;
            try { await Context.Tracing.StopAsync(); } catch (PlaywrightException) { }
        }
        await Context.CloseAsync();
    }

    void CheckHost(string prefix, string url, string kind)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return;
        if (uri.Scheme is "data" or "blob" or "about") return;
        if (uri.Host == "127.0.0.1") return;
        _foreignRequests.Enqueue($"{prefix} {kind}: {url}");
        _log.Enqueue($"{Now} {prefix} FOREIGN {kind}: {url}");
    }

    static string Now => DateTime.UtcNow.ToString("HH:mm:ss.fff");

    static string Safe(string name) => Regex.Replace(name, "[^A-Za-z0-9_.-]+", "-").Trim('-');

    sealed class BlazorSocket
    {
        long _frames, _lastTicks;
        public long Frames => Interlocked.Read(ref _frames);
        public DateTime LastFrame => new(Interlocked.Read(ref _lastTicks), DateTimeKind.Utc);
        public void Reset() { Interlocked.Exchange(ref _frames, 0); Interlocked.Exchange(ref _lastTicks, 0); }
        public void Received()
        {
            Interlocked.Exchange(ref _lastTicks, DateTime.UtcNow.Ticks);
            Interlocked.Increment(ref _frames);
        }
    }
}
