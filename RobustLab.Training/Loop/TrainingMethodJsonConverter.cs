using System.Text.Json;
using System.Text.Json.Serialization;

namespace RobustLab.Training.Loop;

/// <summary>Writes a method as the CLI spells it ("regularizer") and reads any spelling the CLI accepts.</summary>
public sealed class TrainingMethodJsonConverter : JsonConverter<TrainingMethod>
{
    public override TrainingMethod Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"method must be a string, one of {string.Join(", ", TrainingMethods.Names)}.");
        try { return TrainingMethods.Parse(reader.GetString()!); }
        catch (ArgumentException e) { throw new JsonException(e.Message, e); }
    }

    public override void Write(Utf8JsonWriter writer, TrainingMethod value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Name());
}
