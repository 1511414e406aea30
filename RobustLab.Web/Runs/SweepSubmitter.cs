using System.Text.Json;
using RobustLab.Training.Checkpoints;

namespace RobustLab.Web.Runs;

/// <summary>What a sweep submission did: the sweep, the runs created (to enqueue) and the succeeded runs reused.</summary>
public sealed record SweepSubmission(SweepEntity Sweep, IReadOnlyList<RunEntity> NewRuns, IReadOnlyList<RunEntity> ReusedRuns);

/// <summary>
/// Stores a sweep: expands it, reuses a succeeded run for every configuration that already has one, and creates queued
/// runs for the rest. The caller enqueues <see cref="SweepSubmission.NewRuns"/>.
/// </summary>
public sealed class SweepSubmitter(IRunStore store)
{
    /// <summary>Throws an ArgumentException listing every problem when the request is invalid (see <see cref="SweepPlanner.Validate"/>).</summary>
    public async Task<SweepSubmission> SubmitAsync(SweepRequest request, CancellationToken ct = default)
    {
        var plan = SweepPlanner.Expand(request);

        var reused = new List<RunEntity>();
        var toCreate = new List<Training.Loop.TrainingOptions>();
        foreach (var options in plan)
        {
            if (await store.FindSucceededAsync(RunConfigKey.For(options), ct) is { } done) reused.Add(done);
            else toCreate.Add(options);
        }

        var sweep = await store.CreateSweepAsync(new SweepEntity
        {
            Dataset = request.Dataset.Trim().ToLowerInvariant(),
            Model = SweepEntity.JoinModels(SweepPlanner.ModelNames(request)),
            SpecJson = JsonSerializer.Serialize(request, RunJson.Options),
            ReusedRunIds = reused.Select(r => r.Id).ToList(),
        }, ct);

        var created = new List<RunEntity>(toCreate.Count);
        foreach (var options in toCreate) created.Add(await store.CreateRunAsync(options, sweep.Id, ct));
        return new SweepSubmission(sweep, created, reused);
    }
}
