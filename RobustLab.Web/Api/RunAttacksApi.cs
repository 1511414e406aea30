using System.Text.Json.Serialization;
using RobustLab.Web.Jobs;

namespace RobustLab.Web.Api;

/// <summary>POST /api/runs/{id}/attacks: which attacks to run on a succeeded run, and on how many test images. Unknown fields are rejected.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AttackRequest
{
    /// <summary>Any of pgd, lbfgs, fgsm, deepfool, gaussian, saltpepper, or ["all"].</summary>
    public IReadOnlyList<string>? Attacks { get; init; }
    /// <summary>K: test images the attacks draw, in [1, 10000] (default 100); the correctly classified ones are attacked.</summary>
    public int? Samples { get; init; }
}

/// <summary>
/// Attacking a run after it succeeded: the attack suite runs as a job on the run's device queue, on the run's own test
/// subset and seed, and its report replaces the run's attack metrics (<see cref="AttackSubmitter"/>, <see cref="AttackRunJob"/>).
/// </summary>
public static class RunAttacksApi
{
    public static IEndpointRouteBuilder MapRunAttacks(this IEndpointRouteBuilder api)
    {
        api.MapPostTrainingJob<AttackRequest>("/runs/{id}/attacks",
            (services, runId, r, ct) => services.GetRequiredService<AttackSubmitter>().SubmitAsync(runId, r.Attacks, r.Samples, ct),
            "Attack a succeeded run (202): a job on its device queue runs the attacks and replaces the run's attack metrics;");
        return api;
    }
}
