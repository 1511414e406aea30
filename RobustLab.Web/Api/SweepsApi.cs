using Microsoft.AspNetCore.Http.HttpResults;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Api;

/// <summary>
/// What a sweep submission answers: the sweep id, its models (Model: them joined with ",", one model: its name), every
/// run of the grid (new and reused), and the counts.
/// </summary>
public sealed record SweepView(Guid Id, string Dataset, string Model, IReadOnlyList<string> Models, DateTimeOffset CreatedAt,
    IReadOnlyList<RunView> Runs, int Reused, int Queued)
{
    public static SweepView From(SweepEntity sweep, IReadOnlyList<RunView> runs, int reused, int queued) =>
        new(sweep.Id, sweep.Dataset, sweep.Model, sweep.Models, sweep.CreatedAt, runs, reused, queued);
}

/// <summary>
/// POST /api/sweeps: a grid over models x methods x sigma x alpha x N~ x seeds for one data set (<see cref="SweepRequest"/>,
/// expanded by <see cref="SweepPlanner"/>). Configurations that already succeeded are reused; the rest are stored and
/// queued. GET /api/sweeps/{id} reads the sweep back.
/// </summary>
public static class SweepsApi
{
    public static IEndpointRouteBuilder MapSweeps(this IEndpointRouteBuilder api)
    {
        api.MapPost("/sweeps", CreateSweep)
            .AcceptsJson<SweepRequest, RouteHandlerBuilder>()
            .WithTags("Sweeps")
            .WithSummary($"Submit a sweep (at most {SweepPlanner.MaxRuns} runs); succeeded configurations are reused, the rest queued.");
        api.MapGet("/sweeps/{id}", GetSweep)
            .WithTags("Sweeps").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A sweep with its runs (those it created and those it reused).");
        return api;
    }

    static async Task<Results<Created<SweepView>, ValidationProblem, ProblemHttpResult>> CreateSweep(
        HttpContext context, IRunStore store, IRunQueue queue, SweepSubmitter submitter, CancellationToken ct)
    {
        var body = await ApiJson.ReadBodyAsync<SweepRequest>(context);
        if (body.Problem is { } tooLarge) return tooLarge;
        if (body.Value is not { } request) return ApiProblems.Invalid(body.Errors!);

        var errors = SweepValidation.Validate(request);
        if (errors.Count > 0) return ApiProblems.Invalid(errors.ToProblem());

        SweepSubmission submission;
        try
        {
            submission = await submitter.SubmitAsync(request, ct);
        }
        catch (ArgumentException e)
        {
            // Validate ran the planner's checks already; this is a last line for anything it could not foresee.
            var late = new FieldProblems();
            late.Add("body", e.Message);
            return ApiProblems.Invalid(late.ToProblem());
        }

        foreach (var run in submission.NewRuns)
            await RunSubmission.EnqueueAsync(store, queue, run, ct);

        var runs = submission.NewRuns.Concat(submission.ReusedRuns).Select(RunView.From).ToArray();
        var view = SweepView.From(submission.Sweep, runs, submission.ReusedRuns.Count, submission.NewRuns.Count);
        return TypedResults.Created($"/api/sweeps/{view.Id}", view);
    }

    static async Task<Results<Ok<SweepView>, ProblemHttpResult>> GetSweep(string id, IRunStore store, CancellationToken ct)
    {
        var sweep = Guid.TryParse(id, out var guid) ? await store.GetSweepAsync(guid, ct) : null;
        if (sweep is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Sweep not found",
                detail: $"There is no sweep '{id}'.");
        var created = await store.ListRunsAsync(new RunFilter(SweepId: sweep.Id, Take: SweepPlanner.MaxRuns), ct);
        var reused = new List<RunEntity>();
        foreach (var runId in sweep.ReusedRunIds)
            if (await store.GetRunAsync(runId, ct: ct) is { } run) reused.Add(run);
        return TypedResults.Ok(SweepView.From(sweep, created.Concat(reused).Select(RunView.From).ToArray(), reused.Count, created.Count));
    }
}
