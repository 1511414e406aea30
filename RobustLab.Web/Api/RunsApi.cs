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
            .WithSummary("Delete a run that is not running, with its run folder.");
        api.MapRunAttacks();
        api.MapRunFiles();
        api.MapResultsCsv();
        api.MapSweeps();
        return root;
    }

    static async Task<Results<Created<RunView>, ValidationProblem>> CreateRun(
        HttpContext context, IRunStore store, IRunQueue queue, CancellationToken ct)
    {
        var (request, bodyErrors) = await ApiJson.ReadBodyAsync<RunRequest>(context);
        if (request is null) return ApiProblems.Invalid(bodyErrors!);

        var errors = new RunRequestValidation.Errors();
        var options = RunRequestValidation.Validate(request, errors);
        if (errors.Count > 0) return ApiProblems.Invalid(errors.ToProblem());

        var run = await store.CreateRunAsync(options, ct: ct);
        run = await RunSubmission.EnqueueAsync(store, queue, run, ct);
        return TypedResults.Created($"/api/runs/{run.Id}", RunView.From(run));
    }

    static async Task<Results<Ok<RunView[]>, ValidationProblem>> ListRuns(HttpRequest request, IRunStore store, CancellationToken ct)
    {
        var errors = new RunRequestValidation.Errors();
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

    static async Task<Results<Ok<RunView>, Accepted<RunView>, ProblemHttpResult>> CancelRun(
        string id, IRunStore store, IRunQueue queue, CancellationToken ct)
    {
        var run = await FindAsync(store, id, withEpochs: false, ct);
        if (run is null) return ApiProblems.RunNotFound(id);
        if (run.Status == RunStatus.Cancelled) return TypedResults.Ok(RunView.From(run));
        if (run.Status.IsFinished())
            return ApiProblems.Conflict(run, $"Run {run.Id} already finished ({run.Status.Name()}); there is nothing to cancel.");
        // The queue marks the run in the store and signals an in-process worker at once.
        if (!await queue.CancelAsync(run.Id, ct)) return ApiProblems.RunNotFound(id);

        run = await store.GetRunAsync(run.Id, ct: ct);
        if (run is null) return ApiProblems.RunNotFound(id);
        // A queued run is cancelled at once; a running one has CancelRequested set and stops within one batch.
        return run.Status.IsFinished() ? TypedResults.Ok(RunView.From(run)) : TypedResults.Accepted($"/api/runs/{run.Id}", RunView.From(run));
    }

    static async Task<Results<Accepted<RunView>, ProblemHttpResult>> RetryRun(string id, IRunStore store, IRunQueue queue, CancellationToken ct)
    {
        var run = await FindAsync(store, id, withEpochs: false, ct);
        if (run is null) return ApiProblems.RunNotFound(id);
        if (run.Status is not (RunStatus.Failed or RunStatus.Cancelled))
            return ApiProblems.Conflict(run, $"Only a failed or cancelled run can be retried; run {run.Id} is {run.Status.Name()}.");

        var reset = await queue.RetryAsync(run.Id, ct);
        if (reset is null)
        {
            // Changed between the read and the reset (deleted, or retried by someone else).
            var now = await store.GetRunAsync(run.Id, ct: ct);
            return now is null ? ApiProblems.RunNotFound(id) : ApiProblems.Conflict(now, $"Run {run.Id} is {now.Status.Name()} and cannot be retried now.");
        }
        return TypedResults.Accepted($"/api/runs/{reset.Id}", RunView.From(reset));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteRun(
        string id, IRunStore store, ILoggerFactory logs, CancellationToken ct)
    {
        var run = await FindAsync(store, id, withEpochs: false, ct);
        if (run is null) return ApiProblems.RunNotFound(id);
        if (run.Status is RunStatus.Running or RunStatus.Evaluating)
            return ApiProblems.Conflict(run, $"Run {run.Id} is {run.Status.Name()}; cancel it (POST /api/runs/{run.Id}/cancel) and delete it once it stopped.");
        if (!await store.DeleteRunAsync(run.Id, ct))
        {
            var now = await store.GetRunAsync(run.Id, ct: ct);
            return now is null ? ApiProblems.RunNotFound(id) : ApiProblems.Conflict(now,
                $"Run {run.Id} is held by a worker (training it, or attacking it); cancel a training run, and delete it once it stopped.");
        }
        // The folder comes from the store's RunDir, never from the request.
        RunFolderCleanup.Delete(run, logs.CreateLogger(typeof(RunsApi)));
        return TypedResults.NoContent();
    }

    /// <summary>The run with this id; null for an unknown id and for text that is not an id.</summary>
    internal static async Task<RunEntity?> FindAsync(IRunStore store, string id, bool withEpochs, CancellationToken ct) =>
        Guid.TryParse(id, out var guid) ? await store.GetRunAsync(guid, withEpochs, ct) : null;
}
