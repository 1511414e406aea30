using RobustLab.Training.Data;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Components.RunForm;

/// <summary>What a submission did: where to go next and what to tell the user; or the problems, per field.</summary>
public sealed record RunFormResult(
    bool Ok, string Message, string? NavigateTo, int Queued, int Reused,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Errors)
{
    public static RunFormResult Invalid(IReadOnlyDictionary<string, IReadOnlyList<string>> errors, string message) =>
        new(false, message, null, 0, 0, errors);
}

/// <summary>
/// Submits the form the way the API does: one run through POST /api/runs' path (store, then <see cref="RunSubmission"/>),
/// several through <see cref="SweepSubmitter"/> (which reuses succeeded configurations) and each new run enqueued.
/// Never throws for a user's mistake: problems come back keyed by field, and the form keeps what was typed.
/// </summary>
public sealed class RunFormSubmitter(IRunStore store, IRunQueue queue, SweepSubmitter sweeps, DatasetCatalog catalog)
{
    public async Task<RunFormResult> SubmitAsync(RunFormModel model, CancellationToken ct = default)
    {
        var check = RunFormValidator.Check(model, catalog.List());
        if (!check.IsValid)
            return RunFormResult.Invalid(check.Errors, "Fix the fields marked in red: " + Describe(check.Errors));
        try
        {
            return check.IsSingleRun ? await SubmitRunAsync(check, ct) : await SubmitSweepAsync(check, ct);
        }
        catch (ArgumentException e)
        {
            // The store's last checks (say, a configuration too long to store): shown at the field the message names.
            var errors = new Dictionary<string, IReadOnlyList<string>> { [RunFormFields.Sweep] = [e.Message] };
            return RunFormResult.Invalid(errors, "Not queued: " + e.Message);
        }
    }

    async Task<RunFormResult> SubmitRunAsync(RunFormCheck check, CancellationToken ct)
    {
        // Exactly POST /api/runs: the same validation, then store and enqueue.
        var errors = new FieldProblems();
        var options = RunRequestValidation.Validate(RunRequest.From(check.Runs[0]), errors);
        if (errors.Count > 0)
        {
            var byField = errors.Fields.GroupBy(RunFormValidator.FormField)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.SelectMany(errors.For).ToList());
            return RunFormResult.Invalid(byField, "Fix the fields marked in red: " + Describe(byField));
        }
        var run = await store.CreateRunAsync(options, ct: ct);
        try
        {
            await RunSubmission.EnqueueAsync(store, queue, run, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new RunFormResult(false, $"Run {run.Id} was stored but could not be queued on '{run.Queue}': {e.Message}",
                $"/runs/{run.Id}", 0, 0, new Dictionary<string, IReadOnlyList<string>>());
        }
        return new RunFormResult(true, "Queued 1 run (0 reused)", $"/runs/{run.Id}", 1, 0, new Dictionary<string, IReadOnlyList<string>>());
    }

    async Task<RunFormResult> SubmitSweepAsync(RunFormCheck check, CancellationToken ct)
    {
        var submission = await sweeps.SubmitAsync(check.Request, ct);
        var failed = new List<string>();
        foreach (var run in submission.NewRuns)
        {
            try { await RunSubmission.EnqueueAsync(store, queue, run, ct); }
            catch (Exception e) when (e is not OperationCanceledException) { failed.Add($"{run.Id} ({e.Message})"); }
        }
        int queued = submission.NewRuns.Count - failed.Count, reused = submission.ReusedRuns.Count;
        string message = $"Queued {Runs(queued)} ({reused} reused)";
        if (failed.Count > 0)
            return new RunFormResult(false, $"{message}; {failed.Count} could not be queued and are marked failed (retry them from the runs page): {failed[0]}",
                "/", queued, reused, new Dictionary<string, IReadOnlyList<string>>());
        return new RunFormResult(true, message, "/", queued, reused, new Dictionary<string, IReadOnlyList<string>>());
    }

    static string Runs(int n) => n == 1 ? "1 run" : $"{n} runs";

    static string Describe(IReadOnlyDictionary<string, IReadOnlyList<string>> errors) =>
        string.Join(" ", errors.Select(kv => $"{kv.Key}: {kv.Value[0]}"));
}
