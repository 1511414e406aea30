using Microsoft.AspNetCore.Http.HttpResults;
using RobustLab.Web.Jobs;

namespace RobustLab.Web.Api;

/// <summary>
/// The one shape of the endpoints that queue a job after training on a run (POST /api/runs/{id}/attacks, /certify,
/// /corruptions): read the body (unknown fields refused), hand it to the kind's submitter, and answer 202 with the run,
/// 400 naming the fields, 404, or 409 while the run is not succeeded or any job after training of it is queued or running.
/// </summary>
public static class PostTrainingApi
{
    /// <summary>Maps POST <paramref name="pattern"/> for one kind: <paramref name="submit"/> turns the body into a submission.</summary>
    public static RouteHandlerBuilder MapPostTrainingJob<TBody>(this IEndpointRouteBuilder api, string pattern,
        Func<IServiceProvider, Guid, TBody, CancellationToken, Task<PostTrainingSubmission>> submit, string summary) where TBody : class =>
        api.MapPost(pattern, (string id, HttpContext context, CancellationToken ct) => SubmitAsync(id, context, submit, ct))
            .AcceptsJson<TBody, RouteHandlerBuilder>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary(summary + " 409 while the run is not succeeded or an attack, certification or corruption job for it is queued or running " +
                         "(they share the run's lease).");

    static async Task<Results<Accepted<RunView>, ValidationProblem, ProblemHttpResult>> SubmitAsync<TBody>(
        string id, HttpContext context, Func<IServiceProvider, Guid, TBody, CancellationToken, Task<PostTrainingSubmission>> submit,
        CancellationToken ct) where TBody : class
    {
        if (!Guid.TryParse(id, out var runId)) return ApiProblems.RunNotFound(id);
        var body = await ApiJson.ReadBodyAsync<TBody>(context);
        if (body.Problem is { } tooLarge) return tooLarge;
        if (body.Value is not { } request) return ApiProblems.Invalid(body.Errors!);
        return Answer(id, await submit(context.RequestServices, runId, request, ct));
    }

    /// <summary>The HTTP answer to a submission.</summary>
    public static Results<Accepted<RunView>, ValidationProblem, ProblemHttpResult> Answer(string id, PostTrainingSubmission submission) =>
        submission.Outcome switch
        {
            PostTrainingSubmissionOutcome.Accepted => TypedResults.Accepted($"/api/runs/{submission.Run!.Id}", RunView.From(submission.Run)),
            PostTrainingSubmissionOutcome.Invalid => ApiProblems.Invalid(submission.Errors!.ToDictionary(e => e.Key, e => e.Value)),
            PostTrainingSubmissionOutcome.NotSucceeded => ApiProblems.Conflict(submission.Run!, submission.Message),
            PostTrainingSubmissionOutcome.JobInProgress => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: $"{PostTrainingJobKinds.Capitalize(submission.Pending!.Kind.WithArticle())} job for the run is in progress", detail: submission.Message),
            _ => ApiProblems.RunNotFound(id),
        };

}
