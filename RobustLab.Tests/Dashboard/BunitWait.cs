using Bunit;

namespace RobustLab.Tests.Dashboard;

/// <summary>
/// The bUnit contexts of the dashboard tests. bUnit's WaitFor* operations give up after 1 s by default, which a loaded
/// 2-core CI machine running other test classes alongside can exceed; they wait up to <see cref="Timeout"/> instead
/// (they return as soon as the assertion holds, so a passing test is no slower).
/// </summary>
public static class BunitWait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>A new context whose WaitForAssertion and friends wait up to <see cref="Timeout"/>.</summary>
    public static BunitContext NewContext()
    {
        BunitContext.DefaultWaitTimeout = Timeout;
        return new BunitContext();
    }
}
