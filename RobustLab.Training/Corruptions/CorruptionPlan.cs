namespace RobustLab.Training.Corruptions;

/// <summary>
/// Common corruptions a run asks for with its configuration, measured by a job after the run succeeds: the names and
/// severities as the CLI writes them ("all" or "brightness,rotate"; "1-5" or "1,3"), and the test images (null: the
/// run's own test subset). Text, not lists, so options that carry a plan still compare by value.
/// </summary>
public sealed record CorruptionPlan
{
    public string Corruptions { get; init; } = "all";
    public string Severities { get; init; } = "1-5";
    public int? TestSubset { get; init; }

    /// <summary>The corruption names (<see cref="CorruptionCatalog.Parse"/>); throws on a bad name.</summary>
    public IReadOnlyList<string> Names => CorruptionCatalog.Parse(Corruptions);

    /// <summary>The severities (<see cref="CorruptionCatalog.ParseSeverities"/>); throws on a bad one.</summary>
    public IReadOnlyList<int> Levels => CorruptionCatalog.ParseSeverities(Severities);

    /// <summary>A plan from lists, written canonically (catalogue order, "all" for every corruption).</summary>
    public static CorruptionPlan From(IReadOnlyList<string> names, IReadOnlyList<int> severities, int? testSubset) => new()
    {
        Corruptions = names.Count == CorruptionCatalog.Names.Count && CorruptionCatalog.Names.All(names.Contains)
            ? "all" : string.Join(",", CorruptionCatalog.Names.Where(names.Contains)),
        Severities = string.Join(",", severities.Distinct().Order()),
        TestSubset = testSubset,
    };

    /// <summary>The problems of the plan, under the options corruptions, corruption-severities and corruption-test-subset.</summary>
    public IReadOnlyList<OptionProblem> Problems(int maxTestSubset)
    {
        var errors = new List<OptionProblem>();
        try { _ = Names; }
        catch (ArgumentException e) { errors.Add(new("corruptions", Strip(e.Message, "corruptions"))); }
        try { _ = Levels; }
        catch (ArgumentException e) { errors.Add(new("corruption-severities", Strip(e.Message, "severities"))); }
        if (TestSubset is < 1 || TestSubset > maxTestSubset)
            errors.Add(new("corruption-test-subset", $"must be a whole number in [1, {maxTestSubset}] (got {TestSubset})."));
        return errors;
    }

    static string Strip(string message, string field) => message.StartsWith(field + ": ", StringComparison.Ordinal) ? message[(field.Length + 2)..] : message;
}
