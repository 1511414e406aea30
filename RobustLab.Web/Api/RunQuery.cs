using System.Globalization;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Api;

/// <summary>
/// The filters shared by GET /api/runs and GET /api/results.csv: ?dataset=&amp;model=&amp;method=&amp;status=&amp;sweepId=&amp;skip=&amp;take=.
/// Read as text and parsed here, so a bad value is a 400 naming the parameter rather than a bare binding failure.
/// </summary>
public static class RunQuery
{
    public const int MaxTake = 1000;

    public static RunFilter Parse(HttpRequest request, FieldProblems errors, int defaultTake)
    {
        var q = request.Query;
        string? Text(string name) => q.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;

        TrainingMethod? method = null;
        if (Text("method") is { } m)
        {
            try { method = TrainingMethods.Parse(m); }
            catch (ArgumentException) { errors.Add("method", $"unknown method '{m}'; use one of {string.Join(", ", TrainingMethods.Names)}."); }
        }

        RunStatus? status = null;
        if (Text("status") is { } s)
        {
            if (Enum.TryParse<RunStatus>(s, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(s, out _))
                status = parsed;
            else
                errors.Add("status", $"unknown status '{s}'; use one of {string.Join(", ", Enum.GetValues<RunStatus>().Select(x => x.Name()))}.");
        }

        Guid? sweepId = null;
        if (Text("sweepId") is { } sw)
        {
            if (Guid.TryParse(sw, out var g)) sweepId = g;
            else errors.Add("sweepId", $"sweepId '{sw}' is not a sweep id.");
        }

        int skip = Int("skip", 0, 0, int.MaxValue);
        int take = Int("take", defaultTake, 1, MaxTake);

        return new RunFilter(Text("dataset")?.ToLowerInvariant(), Text("model")?.ToLowerInvariant(), method, status, sweepId, skip, take);

        int Int(string name, int fallback, int min, int max)
        {
            if (Text(name) is not { } t) return fallback;
            if (int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max) return v;
            errors.Add(name, $"{name} must be an integer in [{min}, {max}] (got '{t}').");
            return fallback;
        }
    }
}
