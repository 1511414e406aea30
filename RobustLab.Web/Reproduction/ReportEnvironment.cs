using System.Reflection;
using System.Runtime.InteropServices;

namespace RobustLab.Web.Reproduction;

/// <summary>The machine and software a report was made on, as label and value pairs.</summary>
public static class ReportEnvironment
{
    public static IReadOnlyList<(string Label, string Value)> Describe(TimeProvider? clock = null) =>
    [
        ("generated", (clock ?? TimeProvider.System).GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture)),
        ("RobustLab", Version(typeof(ReportEnvironment).Assembly)),
        ("TorchSharp", Version(typeof(TorchSharp.torch).Assembly)),
        (".NET", RuntimeInformation.FrameworkDescription),
        ("operating system", RuntimeInformation.OSDescription),
        ("architecture", RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()),
        ("processor", CpuModel() ?? "unknown"),
        ("logical processors", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    /// <summary>The informational version ("1.0.0+commit"), else the assembly version.</summary>
    static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Linux's "model name" line; null elsewhere or when it cannot be read.</summary>
    static string? CpuModel()
    {
        try
        {
            if (!File.Exists("/proc/cpuinfo")) return null;
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
