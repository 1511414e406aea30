using System.Text.Json;
using RobustLab.Training.Checkpoints;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Reproduction;

/// <summary>A sweep as posted, with every run it stands for: those it created and the succeeded ones it reused.</summary>
public sealed record SweepRunSet(SweepEntity Sweep, SweepRequest? Request, IReadOnlyList<RunEntity> Runs, IReadOnlySet<Guid> Reused)
{
    public int Count(RunStatus status) => Runs.Count(r => r.Status == status);

    /// <summary>No run is queued or running any more.</summary>
    public bool IsFinished => Runs.All(r => r.Status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled);
}

/// <summary>Reads a sweep and its runs from the store (each with its epochs, for the training seconds).</summary>
public sealed class SweepRuns(IRunStore store)
{
    public async Task<SweepRunSet?> LoadAsync(Guid id, CancellationToken ct = default)
    {
        if (await store.GetSweepAsync(id, ct) is not { } sweep) return null;
        // The store's sweep filter lists the runs the sweep created and those it reused.
        var runs = new List<RunEntity>();
        foreach (var listed in await store.ListRunsAsync(new RunFilter(SweepId: id, Take: SweepPlanner.MaxRuns), ct))
            runs.Add(await store.GetRunAsync(listed.Id, withEpochs: true, ct) ?? listed);
        var reused = sweep.ReusedRunIds.Where(r => runs.Any(x => x.Id == r)).ToHashSet();
        return new SweepRunSet(sweep, ReadRequest(sweep.SpecJson), runs.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToList(), reused);
    }

    static SweepRequest? ReadRequest(string json)
    {
        try { return JsonSerializer.Deserialize<SweepRequest>(json, RunJson.Options); }
        catch (JsonException) { return null; }
    }
}
