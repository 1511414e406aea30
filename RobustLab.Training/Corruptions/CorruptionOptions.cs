namespace RobustLab.Training.Corruptions;

/// <summary>Which corruptions and severities to measure, the seed of every random draw, and the evaluation batch size.</summary>
public sealed record CorruptionOptions
{
    public IReadOnlyList<string> Corruptions { get; init; } = CorruptionCatalog.Names;
    public IReadOnlyList<int> Severities { get; init; } = [1, 2, 3, 4, 5];
    public int Seed { get; init; }
    public int BatchSize { get; init; } = 500;

    /// <summary>The problems with these options, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Corruptions.Count == 0) errors.Add("corruptions: name at least one corruption.");
        foreach (var name in Corruptions.Where(n => !CorruptionCatalog.Names.Contains(n)))
            errors.Add($"corruptions: unknown corruption '{name}'; use any of {string.Join(", ", CorruptionCatalog.Names)}.");
        if (Corruptions.Distinct().Count() != Corruptions.Count) errors.Add("corruptions: a corruption is named twice.");
        if (Severities.Count == 0) errors.Add("severities: name at least one severity (1-5).");
        foreach (int s in Severities.Where(s => s is < Corruption.MinSeverity or > Corruption.MaxSeverity))
            errors.Add($"severities: {s} is outside {Corruption.MinSeverity}-{Corruption.MaxSeverity}.");
        if (Severities.Distinct().Count() != Severities.Count) errors.Add("severities: a severity is named twice.");
        if (BatchSize < 1) errors.Add($"batch size must be >= 1 (got {BatchSize}).");
        return errors;
    }
}
