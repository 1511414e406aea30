using Microsoft.Playwright;

namespace RobustLab.Tests.Browser;

/// <summary>
/// One Playwright driver and one headless Debian Chromium (/usr/bin/chromium) for the whole "Browser" collection. The
/// browser is the distribution's, never a Playwright download: the driver ships inside the Microsoft.Playwright NuGet
/// package and is pointed at the system binary with <see cref="BrowserTypeLaunchOptions.ExecutablePath"/>. When Chromium
/// is missing, every browser test fails with a message that says how to get it (they are never skipped: CI runs them).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    IPlaywright? _playwright;
    IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser fixture is not initialised.");

    /// <summary>&lt;repo&gt;/TestResults/screenshots: the full-page PNG of each page each test visits (TestResults/ is git-ignored).</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(Processes.RobustLabProcess.RepositoryRoot, "TestResults", "screenshots");

    /// <summary>&lt;repo&gt;/TestResults/browser-failures: a Playwright trace, the console log and the server output of each failed test.</summary>
    public static string FailureFolder { get; } = Path.Combine(Processes.RobustLabProcess.RepositoryRoot, "TestResults", "browser-failures");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"Chromium is missing at {ChromiumPath}, so the browser tests cannot run. Run scripts/setup.sh as root (it " +
                "installs the Debian package chromium), or `apt-get install --no-install-recommends chromium`. Do not run " +
                "`playwright install`: the tests use the system Chromium.");
        Directory.CreateDirectory(ScreenshotFolder);
        Directory.CreateDirectory(FailureFolder);

        // Expect(...) waits 5 s by default; a page of a server that trains on the same loaded CPUs may need longer.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        try
        {
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                // --disable-dev-shm-usage: a container's small /dev/shm makes Chromium's renderers crash or hang.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run"],
                Timeout = 60_000,
            });
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException(
                $"Could not start {ChromiumPath} through Playwright: {e.Message}\nRun scripts/setup.sh (it installs the Debian " +
                "package chromium); `chromium --headless --no-sandbox --dump-dom about:blank` shows whether it starts at all.", e);
        }
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }
}

/// <summary>
/// The browser tests: one Chromium for all of them, and they run one after another (each starts its own
/// <c>robustlab serve</c>, whose in-process worker trains on the CPU; running them side by side would only slow them).
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
