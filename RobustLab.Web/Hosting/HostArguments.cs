namespace RobustLab.Web.Hosting;

/// <summary>Which process arguments start the web host, and which of them the host sees.</summary>
public static class HostArguments
{
    /// <summary>
    /// True when every argument is a host setting in the form --key=value. WebApplicationFactory starts Program that
    /// way (--environment=..., --contentRoot=..., --applicationName=...); no CLI verb starts with "--".
    /// </summary>
    public static bool AreHostSettings(string[] args) =>
        args.Length > 0 && args.All(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=') && a.Length > 3);

    /// <summary>The arguments for the host: everything after 'serve'.</summary>
    public static string[] ForHost(string[] args) => args.Length > 0 && args[0] == "serve" ? args[1..] : args;
}
