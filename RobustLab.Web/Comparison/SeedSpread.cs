using System.Globalization;

namespace RobustLab.Web.Comparison;

/// <summary>
/// One quantity (accuracy, GNR, training seconds) measured once per run of a setting, the runs differing only in seed:
/// the number of runs, their mean, and their sample standard deviation (divisor n - 1). One run has no spread, so
/// <see cref="Std"/> is null for n = 1: a single seed says nothing about how much another seed would move the figure.
/// </summary>
public sealed record SeedSpread(int N, double Mean, double? Std)
{
    /// <summary>The spread of the values; at least one value, each a finite number.</summary>
    public static SeedSpread Of(IEnumerable<double> values)
    {
        var list = values as IReadOnlyList<double> ?? values.ToList();
        if (list.Count == 0) throw new ArgumentException("A seed spread needs at least one value.", nameof(values));
        if (list.Any(v => !double.IsFinite(v)))
            throw new ArgumentException("Every value of a seed spread must be a finite number.", nameof(values));
        double mean = list.Average();
        if (list.Count == 1) return new SeedSpread(1, mean, null);
        // Two passes (mean, then squared deviations): no cancellation when the values are close, as seeds' accuracies are.
        double squares = list.Sum(v => (v - mean) * (v - mean));
        return new SeedSpread(list.Count, mean, Math.Sqrt(squares / (list.Count - 1)));
    }

    public static SeedSpread Of<T>(IEnumerable<T> items, Func<T, double> value) => Of(items.Select(value));

    /// <summary>Nothing measured (N = 0, mean NaN): a baseline that has no value of a certified measure.</summary>
    public static SeedSpread None { get; } = new(0, double.NaN, null);

    /// <summary>Whether there is a spread to show or test: two runs or more.</summary>
    public bool HasSpread => Std is not null;

    /// <summary>The sample variance (n - 1), null for one run.</summary>
    public double? Variance => Std is { } s ? s * s : null;

    /// <summary>"0.8123 ± 0.0042" with <paramref name="format"/> (invariant culture); the mean alone for one run.</summary>
    public string Format(string format, double scale = 1) =>
        (scale * Mean).ToString(format, CultureInfo.InvariantCulture) +
        (Std is { } s ? " ± " + (scale * s).ToString(format, CultureInfo.InvariantCulture) : "");
}
