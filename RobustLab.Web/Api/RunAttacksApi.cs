using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

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
        api.MapPost("/runs/{id}/attacks", AttackRun)
            .AcceptsJson<AttackRequest, RouteHandlerBuilder>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Attack a succeeded run (202): a job on its device queue runs the attacks and replaces the run's attack metrics; " +
                         "409 while the run is not succeeded or another attack job for it is queued or running.");
        return api;
    }

    static async Task<Results<Accepted<RunView>, ValidationProblem, ProblemHttpResult>> AttackRun(
        string id, HttpContext context, AttackSubmitter submitter, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var runId)) return ApiProblems.RunNotFound(id);
        var body = await ApiJson.ReadBodyAsync<AttackRequest>(context);
        if (body.Problem is { } tooLarge) return tooLarge;
        if (body.Value is not { } request) return ApiProblems.Invalid(body.Errors!);

        var submission = await submitter.SubmitAsync(runId, request.Attacks, request.Samples, ct);
        return submission.Outcome switch
        {
            AttackSubmissionOutcome.Accepted => TypedResults.Accepted($"/api/runs/{runId}", RunView.From(submission.Run!)),
            AttackSubmissionOutcome.Invalid => ApiProblems.Invalid(submission.Errors!.ToDictionary(e => e.Key, e => e.Value)),
            AttackSubmissionOutcome.NotSucceeded => ApiProblems.Conflict(submission.Run!, submission.Message),
            AttackSubmissionOutcome.AttackInProgress => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "An attack job for the run is in progress", detail: submission.Message),
            _ => ApiProblems.RunNotFound(id),
        };
    }
}
