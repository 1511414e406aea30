using System.Text.Json;
using System.Text.Json.Serialization;

namespace RobustLab.Training.Checkpoints;

/// <summary>How run.json is written: camelCase, indented, enums as strings. Reuse <see cref="Options"/> for any run.json I/O.</summary>
public static class RunJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            // A diverged run has NaN losses; run.json must still be writable and readable.
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize(RunRecord record) => JsonSerializer.Serialize(record, Options);

    /// <summary>Parses run.json text; <paramref name="path"/> only names the file in errors.</summary>
    public static RunRecord Deserialize(string json, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RunRecord>(json, Options)
                ?? throw new InvalidDataException($"{path}: run.json holds null instead of a run record.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid run.json ({e.Message}).", e);
        }
    }
}
