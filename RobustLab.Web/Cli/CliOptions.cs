using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using RobustLab.Training.Data;

namespace RobustLab.Web.Cli;

/// <summary>Options several verbs share, and numeric options whose parse errors name the option in one line.</summary>
public static class CliOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print exactly one JSON object (camelCase) on stdout." };

    public static Option<string> Device() => new("--device")
    {
        Description = "cpu, cuda or cuda:N (CUDA needs the CUDA build, see README).",
        DefaultValueFactory = _ => "cpu",
    };

    public static Option<string?> DataRoot() => new("--data-root")
    {
        Description = "Folder holding downloaded data sets and data/npm (default: ./data).",
    };

    public static Option<int?> Int(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => Parse(result, name, "an integer",
            (string s, out int? v) => { bool ok = int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int x); v = x; return ok; }),
    };

    public static Option<double?> Double(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => Parse(result, name, "a number",
            (string s, out double? v) => { bool ok = double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double x); v = x; return ok; }),
    };

    /// <summary>The --device value lower-cased, or a usage error when it is not cpu, cuda or cuda:N (existence is checked later).</summary>
    public static string DeviceName(string? value)
    {
        string text = (value ?? "cpu").Trim().ToLowerInvariant();
        bool ok = text is "cpu" or "cuda" || (text.StartsWith("cuda:") && int.TryParse(text[5..], NumberStyles.None, CultureInfo.InvariantCulture, out _));
        return ok ? text : throw new UsageException($"--device: '{value}' is not cpu, cuda or cuda:N.");
    }

    public static DataLocations Locations(string? dataRoot) =>
        string.IsNullOrWhiteSpace(dataRoot) ? new DataLocations() : new DataLocations(dataRoot);

    delegate bool TryParse<T>(string text, out T value);

    static T? Parse<T>(ArgumentResult result, string name, string what, TryParse<T?> tryParse)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (tryParse(text, out var value)) return value;
        result.AddError($"{name} must be {what} (got '{text}').");
        return default;
    }
}
