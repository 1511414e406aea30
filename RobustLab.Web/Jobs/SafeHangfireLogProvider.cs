using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace RobustLab.Web.Jobs;

/// <summary>
/// Hangfire's log provider is process-wide and set by the last host that configured it; when that host is disposed
/// (tests run several), its logger factory throws. This one falls back to no logging instead of failing a job.
/// </summary>
public sealed class SafeHangfireLogProvider(ILoggerFactory factory) : ILogProvider
{
    readonly AspNetCoreLogProvider _inner = new(factory);

    public ILog GetLogger(string name)
    {
        try { return _inner.GetLogger(name); }
        catch (ObjectDisposedException) { return Silent.Instance; }
    }

    sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
