using RobustLab.Web.Runs;

namespace RobustLab.Web.Comparison;

/// <summary>Reads the comparisons' input from the run store: the succeeded, evaluated runs of a data set and model.</summary>
public sealed class ComparisonRunSource(IRunStore store)
{
    const int PageSize = 500;
    const int MaxRuns = 20_000;

    /// <summary>Every succeeded run with metrics for this data set and model, with its training seconds (epochs read per run).</summary>
    public async Task<IReadOnlyList<ComparisonRun>> LoadAsync(string dataset, string model, CancellationToken ct = default)
    {
        var result = new List<ComparisonRun>();
        foreach (var listed in await SucceededAsync(new RunFilter(Dataset: dataset, Model: model, Status: RunStatus.Succeeded), ct))
        {
            if (listed.TestAccuracy is null || listed.Gnr is null) continue;
            // ListRunsAsync leaves the epochs out; the training seconds are their sum.
            var run = await store.GetRunAsync(listed.Id, withEpochs: true, ct) ?? listed;
            if (ComparisonRun.From(run) is { } comparisonRun) result.Add(comparisonRun);
        }
        return result;
    }

    /// <summary>Every succeeded run with attack metrics for this data set and model (the attacks table's rows), with its training seconds.</summary>
    public async Task<IReadOnlyList<AttackedRun>> LoadAttackedAsync(string dataset, string model, CancellationToken ct = default)
    {
        var result = new List<AttackedRun>();
        foreach (var listed in await SucceededAsync(new RunFilter(Dataset: dataset, Model: model, Status: RunStatus.Succeeded), ct))
        {
            if (!AttackedRun.HasAttacks(listed.MetricsJson)) continue;
            var run = await store.GetRunAsync(listed.Id, withEpochs: true, ct) ?? listed;
            if (AttackedRun.From(run) is { } attacked) result.Add(attacked);
        }
        return result;
    }

    /// <summary>The (data set, model) pairs that have succeeded runs with attack metrics, most such runs first.</summary>
    public async Task<IReadOnlyList<DatasetModel>> ListAttackedDatasetModelsAsync(CancellationToken ct = default) =>
        (await SucceededAsync(new RunFilter(Status: RunStatus.Succeeded), ct))
            .Where(r => AttackedRun.HasAttacks(r.MetricsJson))
            .GroupBy(r => new DatasetModel(r.Dataset, r.Model))
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Dataset, StringComparer.Ordinal).ThenBy(g => g.Key.Model, StringComparer.Ordinal)
            .Select(g => g.Key).ToList();

    /// <summary>The (data set, model) pairs that have succeeded runs, most runs first.</summary>
    public async Task<IReadOnlyList<DatasetModel>> ListDatasetModelsAsync(CancellationToken ct = default) =>
        (await SucceededAsync(new RunFilter(Status: RunStatus.Succeeded), ct))
            .GroupBy(r => new DatasetModel(r.Dataset, r.Model))
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Dataset, StringComparer.Ordinal).ThenBy(g => g.Key.Model, StringComparer.Ordinal)
            .Select(g => g.Key).ToList();

    async Task<List<RunEntity>> SucceededAsync(RunFilter filter, CancellationToken ct)
    {
        var runs = new List<RunEntity>();
        for (int skip = 0; runs.Count < MaxRuns; skip += PageSize)
        {
            var page = await store.ListRunsAsync(filter with { Skip = skip, Take = PageSize }, ct);
            runs.AddRange(page);
            if (page.Count < PageSize) break;
        }
        return runs;
    }
}

public sealed record DatasetModel(string Dataset, string Model);
