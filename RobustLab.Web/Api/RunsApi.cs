using RobustLab.Web.Artifacts;
using Microsoft.AspNetCore.Http.HttpResults;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Api;

/// <summary>
/// The REST API for runs and sweeps (issue 4), with its OpenAPI document at /openapi/v1.json:
/// POST /api/runs, POST /api/sweeps, GET /api/runs, GET /api/runs/{id}, POST /api/runs/{id}/cancel,
/// POST /api/runs/{id}/retry, POST /api/runs/{id}/attacks, DELETE /api/runs/{id}, GET /api/runs/{id}/files/{kind},
/// GET /api/results.csv.
/// Submitting never trains in the request: it stores the run (<see cref="IRunStore"/>) and queues it (<see cref="IRunQueue"/>).
/// </summary>
public static class RunsApi
{
    /// <summary>The API's JSON conventions and the OpenAPI document; the store and the queue are registered elsewhere.</summary>
    public static IServiceCollection AddRunsApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddOpenApi();
        return services;
    }

    /// <summary>
    /// Maps every endpoint of the API plus the OpenAPI document. Returns the group holding all of them, so access
    /// control can be applied in one place (<c>app.MapRunsApi().RequireAuthorization()</c>).
    /// </summary>
    public static RouteGroupBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var root = app.MapGroup("");
        root.MapOpenApi();

        var api = root.MapGroup("/api").WithTags("Runs");
        api.MapPost("/runs", CreateRun)
            .AcceptsJson<RunRequest, RouteHandlerBuilder>()
            .WithSummary("Submit one run; it is stored, queued on its device's queue and trained by a worker.");
        api.MapGet("/runs", ListRuns)
            .WithSummary("List runs, newest first; filters dataset, model, method, status, sweepId; paging skip, take.");
        api.MapGet("/runs/{id}", GetRun).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One run: status, progress, configuration, metrics and per-epoch reports.");
        api.MapPost("/runs/{id}/cancel", CancelRun).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Cancel a run: a queued run is cancelled at once (200), a running one stops within a batch (202).");
        api.MapPost("/runs/{id}/retry", RetryRun).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Queue a failed or cancelled run again; it resumes after its last finished epoch.");
        api.MapDelete("/runs/{id}", DeleteRun).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Delete a run that no worker holds (queued, finished), with its waiting job and its run folder.");
        api.MapRunAttacks();
        api.MapRunCertify();
        api.MapRunCorruptions();
        api.MapRunCertificationCsv();
        api.MapRunFiles();
        api.MapResultsCsv();
        api.MapSweeps();
        return root;
    }

    static async Task<Results<Created<RunView>, ValidationProblem, ProblemHttpResult>> CreateRun(
        HttpContext context, IRunStore store, IRunQueue queue, CancellationToken ct)
    {
        var body = await ApiJson.ReadBodyAsync<RunRequest>(context);
        if (body.Problem is { } tooLarge) return tooLarge;
        if (body.Value is not { } request) return ApiProblems.Invalid(body.Errors!);

        var errors = new FieldProblems();
        var options = RunRequestValidation.Validate(request, errors);
        if (errors.Count > 0) return ApiProblems.Invalid(errors.ToProblem());

        var run = await store.CreateRunAsync(options, ct: ct);
        run = await RunSubmission.EnqueueAsync(store, queue, run, ct);
        return TypedResults.Created($"/api/runs/{run.Id}", RunView.From(run));
    }

    static async Task<Results<Ok<RunView[]>, ValidationProblem>> ListRuns(HttpRequest request, IRunStore store, CancellationToken ct)
    {
        var errors = new FieldProblems();
        var filter = RunQuery.Parse(request, errors, defaultTake: 100);
        if (errors.Count > 0) return ApiProblems.Invalid(errors.ToProblem());
        var runs = await store.ListRunsAsync(filter, ct);
        return TypedResults.Ok(runs.Select(RunView.From).ToArray());
    }

    static async Task<Results<Ok<RunView>, ProblemHttpResult>> GetRun(string id, IRunStore store, CancellationToken ct)
    {
        var run = await FindAsync(store, id, withEpochs: true, ct);
        return run is null ? ApiProblems.RunNotFound(id) : TypedResults.Ok(RunView.From(run));
    }

    // Cancel, retry and delete decide nothing here: RunActions holds the rules the dashboard uses too; this maps its outcome.
    static async Task<Results<Ok<RunView>, Accepted<RunView>, ProblemHttpResult>> CancelRun(
        string id, IRunStore store, IRunQueue queue, RunArtifacts artifacts, ILoggerFactory logs, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var guid)) return ApiProblems.RunNotFound(id);
        var result = await Actions(store, queue, artifacts, logs).CancelAsync(guid, ct);
        return result.Outcome switch
        {
            RunActionOutcome.Done => TypedResults.Ok(RunView.From(result.Run!)),
            RunActionOutcome.Accepted => TypedResults.Accepted($"/api/runs/{guid}", RunView.From(result.Run!)),
            _ => Problem(id, result),
        };
    }

    static async Task<Results<Accepted<RunView>, ProblemHttpResult>> RetryRun(
        string id, IRunStore store, IRunQueue queue, RunArtifacts artifacts, ILoggerFactory logs, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var guid)) return ApiProblems.RunNotFound(id);
        var result = await Actions(store, queue, artifacts, logs).RetryAsync(guid, ct);
        return result.Outcome == RunActionOutcome.Accepted
            ? TypedResults.Accepted($"/api/runs/{guid}", RunView.From(result.Run!))
            : Problem(id, result);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteRun(
        string id, IRunStore store, IRunQueue queue, RunArtifacts artifacts, ILoggerFactory logs, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var guid)) return ApiProblems.RunNotFound(id);
        var result = await Actions(store, queue, artifacts, logs).DeleteAsync(guid, ct);
        return result.Outcome == RunActionOutcome.Deleted ? TypedResults.NoContent() : Problem(id, result);
    }

    static RunActions Actions(IRunStore store, IRunQueue queue, RunArtifacts artifacts, ILoggerFactory logs) =>
        new(store, queue, artifacts, logs.CreateLogger<RunActions>());

    static ProblemHttpResult Problem(string id, RunActionResult result) => result.Outcome switch
    {
        RunActionOutcome.NotFound => ApiProblems.RunNotFound(id),
        RunActionOutcome.Conflict when result.Run is { } run => ApiProblems.Conflict(run, result.Message),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "The run store failed", detail: result.Message),
    };

    /// <summary>The run with this id; null for an unknown id and for text that is not an id.</summary>
    internal static async Task<RunEntity?> FindAsync(IRunStore store, string id, bool withEpochs, CancellationToken ct) =>
        Guid.TryParse(id, out var guid) ? await store.GetRunAsync(guid, withEpochs, ct) : null;
}
