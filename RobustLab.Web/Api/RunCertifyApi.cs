using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using RobustLab.Web.Jobs;

namespace RobustLab.Web.Api;

/// <summary>POST /api/runs/{id}/certify: how to certify a succeeded run by randomised smoothing. Every field is optional; unknown fields are rejected.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CertifyRequest
{
    /// <summary>Noise levels (> 0, pixel units in [0, 1]); default: the run's training sigma (a baseline must name one).</summary>
    public IReadOnlyList<double>? Sigma { get; init; }
    /// <summary>Noisy samples that guess the top class, in [1, 10000000] (default 100).</summary>
    public int? N0 { get; init; }
    /// <summary>Noisy samples that bound its probability, in [1, 10000000] (default 10000).</summary>
    public int? N { get; init; }
    /// <summary>Failure probability of each certificate, in (0, 1) (default 0.001).</summary>
    public double? Alpha { get; init; }
    /// <summary>Test images certified, every k-th of the test set, >= 1 (default 500).</summary>
    public int? Images { get; init; }
}

/// <summary>
/// Certifying a run after it succeeded (docs/method.md, section "Certified robustness"): a job on the run's device
/// queue certifies it and stores the scalars per sigma in the run's metrics (<see cref="CertifySubmitter"/>,
/// <see cref="CertifyRunJob"/>).
/// </summary>
public static class RunCertifyApi
{
    public static IEndpointRouteBuilder MapRunCertify(this IEndpointRouteBuilder api)
    {
        api.MapPost("/runs/{id}/certify", CertifyRun)
            .AcceptsJson<CertifyRequest, RouteHandlerBuilder>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Certify a succeeded run by randomised smoothing (202): a job on its device queue stores certified accuracy, ACR, " +
                         "certified AUC, abstain rate and majority vote per sigma in the run's metrics; 409 while the run is not succeeded " +
                         "or an attack or certification job for it is queued or running.");
        return api;
    }

    static async Task<Results<Accepted<RunView>, ValidationProblem, ProblemHttpResult>> CertifyRun(
        string id, HttpContext context, CertifySubmitter submitter, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var runId)) return ApiProblems.RunNotFound(id);
        var body = await ApiJson.ReadBodyAsync<CertifyRequest>(context);
        if (body.Problem is { } tooLarge) return tooLarge;
        if (body.Value is not { } request) return ApiProblems.Invalid(body.Errors!);

        var submission = await submitter.SubmitAsync(runId, request.Sigma, request.N0, request.N, request.Alpha, request.Images, ct);
        return submission.Outcome switch
        {
            CertifySubmissionOutcome.Accepted => TypedResults.Accepted($"/api/runs/{runId}", RunView.From(submission.Run!)),
            CertifySubmissionOutcome.Invalid => ApiProblems.Invalid(submission.Errors!.ToDictionary(e => e.Key, e => e.Value)),
            CertifySubmissionOutcome.NotSucceeded => ApiProblems.Conflict(submission.Run!, submission.Message),
            CertifySubmissionOutcome.JobInProgress => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "An attack or certification job for the run is in progress", detail: submission.Message),
            _ => ApiProblems.RunNotFound(id),
        };
    }
}
