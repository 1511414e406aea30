using System.Text.Json;
using System.Text.Json.Serialization;

namespace RobustLab.Training.Loop;

/// <summary>Writes an option's enum value as the CLI spells it ("mixed") and reads any case of it.</summary>
public sealed class LowerCaseEnumJsonConverter<T> : JsonConverter<T> where T : struct, Enum
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"{typeof(T).Name} must be a string, one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
        try { return RegularizerVariantNames.Parse<T>(reader.GetString()!, typeof(T).Name); }
        catch (ArgumentException e) { throw new JsonException(e.Message, e); }
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name());
}
