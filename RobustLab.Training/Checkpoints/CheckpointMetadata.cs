using System.Globalization;
using System.Text.Json;
using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Loop;

namespace RobustLab.Training.Checkpoints;

/// <summary>
/// The safetensors <c>__metadata__</c> of a RobustLab model: enough to rebuild the network (model, input size,
/// classes, normalisation) without run.json, plus how it was trained. All values are strings, as the format requires.
/// </summary>
public static class CheckpointMetadata
{
    public const string Format = "robustlab-1";

    public static Dictionary<string, string> From(ModelSpec spec, TrainingOptions config) => new()
    {
        ["format"] = Format,
        ["model"] = spec.Architecture.ToLowerInvariant(),
        ["dataset"] = config.Dataset,
        ["channels"] = Invariant(spec.Input.Channels),
        ["height"] = Invariant(spec.Input.Height),
        ["width"] = Invariant(spec.Input.Width),
        ["classes"] = Invariant(spec.Classes),
        // JSON arrays with round-trip float formatting, so the rebuilt network normalises bit-identically.
        ["mean"] = JsonSerializer.Serialize(spec.Normalization.Mean),
        ["std"] = JsonSerializer.Serialize(spec.Normalization.Std),
        ["method"] = config.Method.Name(),
        ["sigma"] = config.Sigma.ToString("R", CultureInfo.InvariantCulture),
        ["alpha"] = config.Alpha.ToString("R", CultureInfo.InvariantCulture),
        ["copies"] = Invariant(config.Copies),
    };

    /// <summary>The network description in a file's metadata; <paramref name="path"/> names the file in errors.</summary>
    public static ModelSpec ToSpec(IReadOnlyDictionary<string, string> metadata, string path)
    {
        string Get(string key) => metadata.TryGetValue(key, out var v)
            ? v : throw Invalid(path, $"__metadata__ has no '{key}'");
        int Int(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw Invalid(path, $"__metadata__ '{key}' = '{Get(key)}' is not a positive integer");
        float[] Floats(string key)
        {
            try { return JsonSerializer.Deserialize<float[]>(Get(key)) ?? throw new JsonException("null"); }
            catch (JsonException) { throw Invalid(path, $"__metadata__ '{key}' = '{Get(key)}' is not a JSON array of numbers"); }
        }

        if (Get("format") != Format) throw Invalid(path, $"__metadata__ format is '{Get("format")}', expected '{Format}'");
        var input = new ImageShape(Int("channels"), Int("height"), Int("width"));
        var mean = Floats("mean");
        var std = Floats("std");
        if (mean.Length != input.Channels || std.Length != input.Channels)
            throw Invalid(path, $"__metadata__ mean and std need {input.Channels} values (one per channel)");
        return new ModelSpec(Get("model"), input, Int("classes"), new Normalization(mean, std));
    }

    static string Invariant(int n) => n.ToString(CultureInfo.InvariantCulture);

    static InvalidDataException Invalid(string path, string what) => new($"{path}: not a RobustLab model file: {what}.");
}
