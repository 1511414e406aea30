namespace RobustLab.Web.Runs;

/// <summary>
/// What one request may ask of the server, so that a large or hostile request costs little to refuse: the longest list,
/// how much of a value an error message echoes, how many messages one field gets, the largest JSON body.
/// </summary>
public static class RequestLimits
{
    /// <summary>Most values in one list (sweep sigmas, alphas, N~, seeds, methods; attacks). A sweep makes at most 1000 runs anyway.</summary>
    public const int MaxListLength = 1000;

    /// <summary>Most characters of a posted value that an error message repeats.</summary>
    public const int MaxEchoLength = 200;

    /// <summary>Most messages one field gets in a problem document; the rest are counted.</summary>
    public const int MaxProblemsPerField = 10;

    /// <summary>Largest JSON body the API reads (1 MiB); a larger one is answered 413.</summary>
    public const long MaxBodyBytes = 1 << 20;

    /// <summary>The value as an error message may quote it: at most <see cref="MaxEchoLength"/> characters.</summary>
    public static string Echo(string? value)
    {
        value ??= "";
        return value.Length <= MaxEchoLength ? value : value[..MaxEchoLength] + $"... ({value.Length} characters)";
    }

    /// <summary>A problem for a list longer than <see cref="MaxListLength"/>, or null.</summary>
    public static FieldProblem? TooLong<T>(string field, IReadOnlyCollection<T>? list) =>
        list is { Count: > MaxListLength }
            ? new(field, $"{field} lists {list.Count} values; at most {MaxListLength} are allowed.")
            : null;
}
