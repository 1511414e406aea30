using System.Collections;
using RobustLab.Training;

namespace RobustLab.Web.Runs;

/// <summary>A problem with one field of a request or of the form: the field's name (camelCase, as posted) and what is wrong.</summary>
public sealed record FieldProblem(string Field, string Message);

/// <summary>
/// The problems found in a request, by field, in the order found. The field is data, never parsed out of a message.
/// Adding is linear in the number of problems (a set remembers what was said, so a message is kept once), and each
/// field keeps at most <see cref="RequestLimits.MaxProblemsPerField"/> messages plus a count of the rest, so a request
/// with a hundred thousand bad values gets a short answer in linear time.
/// </summary>
public sealed class FieldProblems : IEnumerable<FieldProblem>
{
    readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> _more = new(StringComparer.Ordinal);
    readonly HashSet<FieldProblem> _seen = [];

    /// <summary>How many fields have problems.</summary>
    public int Count => _byField.Count;

    public IEnumerable<string> Fields => _byField.Keys;

    public void Add(string field, string message)
    {
        if (!_seen.Add(new FieldProblem(field, message))) return;
        if (!_byField.TryGetValue(field, out var list)) _byField[field] = list = [];
        if (list.Count < RequestLimits.MaxProblemsPerField) list.Add(message);
        else _more[field] = _more.GetValueOrDefault(field) + 1;
    }

    /// <summary>A problem found by the training library: filed under its camelCase field, the message naming it.</summary>
    public void Add(OptionProblem problem) => Add(problem.Field, $"{problem.Field} {problem.Message}");

    public void Add(FieldProblem problem) => Add(problem.Field, problem.Message);

    /// <summary>The messages about one field (with a last line counting those left out); empty when it has none.</summary>
    public IReadOnlyList<string> For(string field)
    {
        if (!_byField.TryGetValue(field, out var list)) return [];
        return _more.TryGetValue(field, out int more) ? [.. list, $"... and {more} more problems with {field}."] : list;
    }

    public bool Has(string field) => _byField.ContainsKey(field);

    /// <summary>The 'errors' of a 400 problem document.</summary>
    public Dictionary<string, string[]> ToProblem() => _byField.Keys.ToDictionary(f => f, f => For(f).ToArray());

    public IEnumerator<FieldProblem> GetEnumerator() =>
        _byField.Keys.SelectMany(f => For(f).Select(m => new FieldProblem(f, m))).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
