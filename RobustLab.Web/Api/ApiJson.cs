using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace RobustLab.Web.Api;

/// <summary>
/// The API's JSON: camelCase (web defaults), enums as lowercase strings ("regularizer", "queued"), and the named
/// floating-point literals allowed both ways: a request may say "NaN" (validation then rejects it by name, instead of a
/// parse error), and a diverged run's NaN loss can still be written back.
/// </summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }

    /// <summary>The options the app serialises responses with (what <see cref="RunsApi.AddRunsApi"/> configured).</summary>
    public static JsonSerializerOptions Options(HttpContext context) =>
        context.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions ?? Fallback;

    static readonly JsonSerializerOptions Fallback = CreateFallback();

    static JsonSerializerOptions CreateFallback()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }

    /// <summary>
    /// Reads a JSON body. Malformed JSON, a wrong type or an unknown field come back as a validation problem naming the
    /// field (from the error's JSON path), never as a 500 or an empty 400.
    /// </summary>
    public static async Task<(T? Value, Dictionary<string, string[]>? Errors)> ReadBodyAsync<T>(HttpContext context) where T : class
    {
        var request = context.Request;
        // The content type is not enforced: `curl -d '{...}'` sends JSON labelled as a form, and it should just work.
        // A body that is not JSON fails to parse whatever its label, and the answer says to send JSON.
        string label = request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase)
            ? $" Send the request as JSON (Content-Type: application/json), not {type}." : "";
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Strict(Options(context)), context.RequestAborted);
            return value is null ? (null, One("body", "the request body must be a JSON object." + label)) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, One(FieldOf(e), $"malformed JSON: {Clean(e.Message)}{label}"));
        }
        catch (NotSupportedException e)
        {
            return (null, One("body", $"malformed JSON: {e.Message}"));
        }
    }

    // A typo in a field name ("sigmaa") is an error, not a silently different run; derived once per options instance.
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> StrictOptions = new();

    static JsonSerializerOptions Strict(JsonSerializerOptions options) =>
        StrictOptions.GetValue(options, o => new JsonSerializerOptions(o) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow });

    /// <summary>
    /// A value of the wrong type at "$.sigma" or "$.sigma[2]" names sigma; an unknown field names itself; broken JSON
    /// (truncated, not JSON at all, not an object) names the body, wherever the reader happened to stop.
    /// </summary>
    static string FieldOf(JsonException e)
    {
        var unknown = System.Text.RegularExpressions.Regex.Match(e.Message, "property '([^']+)' could not be mapped");
        if (unknown.Success) return unknown.Groups[1].Value;
        string path = e.Path ?? "$";
        bool wrongValue = e.Message.Contains("could not be converted", StringComparison.Ordinal);
        if (wrongValue && path.StartsWith("$.", StringComparison.Ordinal))
        {
            string name = path[2..];
            int cut = name.IndexOfAny(['[', '.']);
            name = cut >= 0 ? name[..cut] : name;
            if (name.Length > 0) return JsonNamingPolicy.CamelCase.ConvertName(name);
        }
        return "body";
    }

    // System.Text.Json's messages name .NET types and line numbers; keep the part a client can act on.
    static string Clean(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    public static Dictionary<string, string[]> One(string field, string message) => new() { [field] = [message] };
}
