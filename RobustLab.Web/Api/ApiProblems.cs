using Microsoft.AspNetCore.Http.HttpResults;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Api;

/// <summary>The API's error responses: RFC 7807 problem details (application/problem+json) with a title and a detail saying what to do.</summary>
public static class ApiProblems
{
    /// <summary>404 for an id that is unknown or not an id at all (a malformed id names no run either).</summary>
    public static ProblemHttpResult RunNotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found",
            detail: $"There is no run '{id}'. GET /api/runs lists the runs.");

    public static ProblemHttpResult FileNotFound(Guid id, string kind, string why) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "File not found",
            detail: $"Run {id} has no {kind} file: {why}");

    /// <summary>500 for a stored file whose bytes no longer match their SHA-256: nothing of it is served.</summary>
    public static ProblemHttpResult CorruptArtifact(Artifacts.ArtifactCorruptException e) =>
        TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Corrupt artifact",
            detail: $"Run {e.RunId}: the stored file {e.Name} is corrupt (its SHA-256 does not match the one recorded when it was " +
                    "stored), so it is not served. Run the job that wrote it again, or retrain the run.");

    public static ProblemHttpResult Conflict(RunEntity run, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"Run is {run.Status.Name()}", detail: detail);

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request has invalid fields",
            detail: "Each entry under 'errors' names a field and what is wrong with it.");
}
