using System.Text.Json.Serialization;
using RobustLab.Web.Jobs;

namespace RobustLab.Web.Api;

/// <summary>POST /api/runs/{id}/corruptions: which common corruptions to measure a succeeded run under. Every field is optional; unknown fields are rejected.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CorruptionsRequest
{
    /// <summary>Corruption names (gaussian_noise, shot_noise, ..., translate) or ["all"] (default).</summary>
    public IReadOnlyList<string?>? Corruptions { get; init; }
    /// <summary>Severities in 1-5 (default all five).</summary>
    public IReadOnlyList<int>? Severities { get; init; }
    /// <summary>Test images, drawn with the run's seed (default: the run's own test subset).</summary>
    public int? TestSubset { get; init; }
}

/// <summary>
/// Measuring a run under common corruptions after it succeeded (docs/method.md, section "Common corruptions and
/// calibration"): a job on the run's device queue stores accuracy per corruption and severity, the mean corruption
/// accuracy, calibration and mCE against the reference baseline in the run's metrics (<see cref="CorruptSubmitter"/>,
/// <see cref="CorruptRunJob"/>).
/// </summary>
public static class RunCorruptionsApi
{
    public static IEndpointRouteBuilder MapRunCorruptions(this IEndpointRouteBuilder api)
    {
        api.MapPostTrainingJob<CorruptionsRequest>("/runs/{id}/corruptions",
            (services, runId, r, ct) => services.GetRequiredService<CorruptSubmitter>().SubmitAsync(runId, r.Corruptions, r.Severities, r.TestSubset, ct),
            "Measure a succeeded run under common corruptions (202): a job on its device queue stores accuracy per corruption and severity, " +
            "the mean corruption accuracy, ECE and NLL, and mCE relative to the latest succeeded baseline run of the same data set and model " +
            "(none when there is no such run);");
        return api;
    }
}
