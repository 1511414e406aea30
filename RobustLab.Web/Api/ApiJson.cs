using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RobustLab.Web.Runs;

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
    /// field (from the error's JSON path, with the value's kind in words, never a .NET type), never as a 500 or an empty
    /// 400; a body over <see cref="RequestLimits.MaxBodyBytes"/> (or over the server's own limit) as a 413 problem.
    /// </summary>
    public static async Task<BodyRead<T>> ReadBodyAsync<T>(HttpContext context) where T : class
    {
        var request = context.Request;
        if (request.ContentLength > RequestLimits.MaxBodyBytes) return BodyRead<T>.TooLarge();
        // The content type is enforced in front of the API (Security/CrossSiteRequests: 415 unless JSON); a body that
        // still is not JSON fails to parse, and the answer says to send JSON.
        string label = request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase)
            ? $" Send the request as JSON (Content-Type: application/json), not {RequestLimits.Echo(type)}." : "";
        var options = Strict(Options(context));
        try
        {
            // A body without a length (chunked) is cut at the limit too.
            await using var body = new LimitedStream(request.Body, RequestLimits.MaxBodyBytes);
            var value = await JsonSerializer.DeserializeAsync<T>(body, options, context.RequestAborted);
            return value is null ? BodyRead<T>.Invalid(One("body", "the request body must be a JSON object." + label)) : new(value, null, null);
        }
        catch (BodyTooLargeException) { return BodyRead<T>.TooLarge(); }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge) { return BodyRead<T>.TooLarge(); }
        catch (JsonException e)
        {
            string field = FieldOf(e);
            return BodyRead<T>.Invalid(One(field, WrongValue(e, field, typeof(T), options) ?? $"malformed JSON: {Clean(e.Message)}{label}"));
        }
        catch (NotSupportedException e)
        {
            return BodyRead<T>.Invalid(One("body", $"malformed JSON: {Clean(e.Message)}"));
        }
    }

    /// <summary>"sigma must be a number": a value of the wrong kind for a field of <paramref name="type"/>, in words; null otherwise.</summary>
    static string? WrongValue(JsonException e, string field, Type type, JsonSerializerOptions options)
    {
        if (field == "body" || !e.Message.Contains("could not be converted", StringComparison.Ordinal)) return null;
        options.MakeReadOnly(populateMissingResolver: true);
        var property = options.GetTypeInfo(type).Properties.FirstOrDefault(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase));
        return property is null ? null : $"{field} must be {Kind(property.PropertyType)}.";
    }

    /// <summary>What a client should send for a value of this type, in words.</summary>
    static string Kind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "text";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return "a whole number";
        if (type == typeof(bool)) return "true or false";
        if (type.IsEnum) return "text";
        var element = type.IsArray ? type.GetElementType()
            : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        if (element is not null) return element == typeof(string) ? "a list of text values" : $"a list of which each is {Kind(element)}";
        return "a JSON object";
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
        if (unknown.Success) return RequestLimits.Echo(unknown.Groups[1].Value);
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

    // System.Text.Json's messages name .NET types and line numbers; keep the part a client can act on, without the types.
    static string Clean(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        string text = cut > 0 ? message[..cut] : message;
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\s*(to|on|for|of) type '?System\.[\w`\[\]\.,]+'?", "");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"'?(System|RobustLab)\.[\w`\[\]\.,+]+'?", "the value");
        return RequestLimits.Echo(text);
    }

    public static Dictionary<string, string[]> One(string field, string message) => new() { [field] = [message] };
}

/// <summary>What reading a JSON body gave: the value, or the 400 errors by field, or a 413.</summary>
public sealed record BodyRead<T>(T? Value, Dictionary<string, string[]>? Errors, ProblemHttpResult? Problem) where T : class
{
    public static BodyRead<T> Invalid(Dictionary<string, string[]> errors) => new(null, errors, null);

    public static BodyRead<T> TooLarge() => new(null, null, TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large",
        detail: $"A JSON body may be at most {RequestLimits.MaxBodyBytes} bytes, and each list at most {RequestLimits.MaxListLength} values."));
}
