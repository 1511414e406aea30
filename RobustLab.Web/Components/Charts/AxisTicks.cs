using System.Globalization;

namespace RobustLab.Web.Components.Charts;

/// <summary>
/// Tick labels that carry enough decimals to differ. A fixed ".0%" turned accuracies between 86.9% and 87.4% into a
/// column of "87%"; the number of decimals follows the span of the values instead.
/// </summary>
public static class AxisTicks
{
    /// <summary>Plotly places at most about ten ticks on an axis, so ticks are at least a tenth of the span apart.</summary>
    const int MaxTicks = 10;

    const int MaxDecimals = 6;

    /// <summary>
    /// The Plotly tickformat for an axis showing <paramref name="values"/> (and <paramref name="range"/>, when fixed):
    /// for fractions shown as percentages ".N%" with N decimals, enough for ticks a tenth of the span apart to read
    /// differently; null for plain numbers, whose default format Plotly already derives from the tick spacing.
    /// </summary>
    public static string? Format(IEnumerable<double> values, bool percent, (double Min, double Max)? range = null)
    {
        if (!percent) return null;
        return "." + Decimals(values, range, scale: 100).ToString(CultureInfo.InvariantCulture) + "%";
    }

    /// <summary>Decimals of the shown value (value x <paramref name="scale"/>) that tell ticks a tenth of the span apart.</summary>
    public static int Decimals(IEnumerable<double> values, (double Min, double Max)? range = null, double scale = 1)
    {
        double lo, hi;
        if (range is { } r) (lo, hi) = (Math.Min(r.Min, r.Max), Math.Max(r.Min, r.Max));
        else
        {
            var finite = values.Where(double.IsFinite).ToList();
            if (finite.Count == 0) return 0;
            (lo, hi) = (finite.Min(), finite.Max());
        }
        double span = (hi - lo) * scale;
        // One value: Plotly pads the axis by a small fraction of the value itself; a tenth of a percent point is plenty.
        if (!(span > 0)) return lo == 0 ? 0 : 1;
        double step = span / MaxTicks;
        // A step of 0.05 needs 2 decimals, 0.1 needs 1, 2 needs 0 (ceil of -log10, with a little slack for rounding).
        int decimals = (int)Math.Ceiling(-Math.Log10(step) - 1e-9);
        return Math.Clamp(decimals, 0, MaxDecimals);
    }
}
