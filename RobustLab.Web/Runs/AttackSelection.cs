using RobustLab.Training.Attacks;

namespace RobustLab.Web.Runs;

/// <summary>
/// The attacks a run asks for, as the API, sweeps and the form read them: names trimmed and lower-cased, ["all"] for
/// every attack in <see cref="AttackCatalog.Names"/>, each name once. Unknown names are kept, so validation
/// (<see cref="Training.Loop.TrainingOptions.Validate"/>) names them.
/// </summary>
public static class AttackSelection
{
    /// <summary>K when a request names attacks but not how many test images they draw.</summary>
    public const int DefaultSamples = 100;

    public static IReadOnlyList<string> Normalize(IEnumerable<string?>? names)
    {
        var list = (names ?? []).Select(n => (n ?? "").Trim().ToLowerInvariant()).Distinct().ToList();
        return list is ["all"] ? AttackCatalog.Names : list;
    }

    /// <summary>The names in the catalogue's order (Table 1's), for keys and tables that must not depend on how a request listed them.</summary>
    public static IReadOnlyList<string> InCatalogOrder(IEnumerable<string> names) =>
        names.Distinct().OrderBy(Rank).ThenBy(n => n, StringComparer.Ordinal).ToList();

    /// <summary>The attack's place in the catalogue; unknown names last.</summary>
    public static int Rank(string name)
    {
        for (int i = 0; i < AttackCatalog.Names.Count; i++)
            if (AttackCatalog.Names[i] == name) return i;
        return int.MaxValue;
    }
}
