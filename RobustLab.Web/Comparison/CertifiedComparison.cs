using System.Globalization;
using RobustLab.Training.Certification;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Comparison;

/// <summary>One certification of one run: the run (method, accuracy, training seconds) and its figures at one sigma.</summary>
public sealed record CertifiedEntry(ComparisonRun Run, CertificationMetrics Certification)
{
    public double Sigma => Certification.Sigma;

    /// <summary>"regularizer alpha=1 sigma=0.25, seed 0" and, when certified at another sigma than trained, " · certified at 0.5".</summary>
    public string Label
    {
        get
        {
            string label = Run.Setting.Label + ", seed " + Run.Seed.ToString(CultureInfo.InvariantCulture);
            return Run.Method != TrainingMethod.Baseline && ComparisonRun.SameSigma(Run.Sigma, Sigma)
                ? label
                : label + " · certified at " + Sigma.ToString("0.####", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Certified accuracy at a fixed radius (0, 0.25, 0.5, 0.75, 1.0), or null when it was not kept.</summary>
    public double? AtRadius(double radius) =>
        Certification.CertifiedAccuracy.FirstOrDefault(p => Math.Abs(p.Radius - radius) < 1e-9)?.Accuracy;
}

/// <summary>A certification as a row of the Certified page: whether its run competes at fair accuracy, and whether it is the best of its method and sigma.</summary>
public sealed record CertifiedRow(CertifiedEntry Entry, bool Eligible, bool Best);

/// <summary>Which rows the Certified page shows.</summary>
public enum CertifiedFilter
{
    /// <summary>Every certification.</summary>
    All,
    /// <summary>Only runs within the tolerance of the baseline accuracy (the fair-comparison rule).</summary>
    Eligible,
    /// <summary>The best eligible run per method and certification sigma.</summary>
    Best,
}

public sealed record CertifiedComparisonResult(
    string Dataset, string Model, double TolerancePercent, BaselineReference? Baseline, IReadOnlyList<CertifiedRow> Rows)
{
    public bool IsEmpty => Rows.Count == 0;
    public bool HasBaseline => Baseline is not null;

    public IReadOnlyList<CertifiedRow> Shown(CertifiedFilter filter) => filter switch
    {
        CertifiedFilter.Eligible => Rows.Where(r => r.Eligible).ToList(),
        CertifiedFilter.Best => Rows.Where(r => r.Best).ToList(),
        _ => Rows,
    };
}

/// <summary>
/// The Certified page's table (docs/method.md, section "Certified robustness") for one data set and model: one row per
/// run and certification sigma, with the fair-comparison filter. Which runs compete is <see cref="FairComparison"/>'s
/// rule, unchanged (a run competes when its setting, averaged over seeds, is within the tolerance of the baseline
/// accuracy); among the competing certifications the best per method and certification sigma is the one with the
/// largest certified AUC (ties: higher clean accuracy, then fewer training seconds).
/// </summary>
public sealed class CertifiedComparison(FairComparison fair)
{
    /// <param name="runs">Succeeded runs of this data set and model, certified or not (the baseline accuracy counts every baseline run).</param>
    public CertifiedComparisonResult Compare(string dataset, string model, IEnumerable<ComparisonRun> runs, double? tolerancePercent = null)
    {
        var all = runs.ToList();
        var fairResult = fair.Compare(dataset, model, all, tolerancePercent);
        var eligibleRuns = fairResult.Settings.Where(s => s.Eligible).SelectMany(s => s.Result.RunIds).ToHashSet();
        var entries = all.SelectMany(r => r.Certifications.Select(c => new CertifiedEntry(r, c)))
            .OrderBy(e => e.Sigma).ThenBy(e => e.Run.Method).ThenBy(e => e.Run.Copies).ThenBy(e => e.Run.Alpha).ThenBy(e => e.Run.Sigma)
            .ThenBy(e => e.Run.Seed).ThenBy(e => e.Run.Id)
            .ToList();
        var best = entries.Where(e => eligibleRuns.Contains(e.Run.Id))
            .GroupBy(e => (e.Run.Method, Sigma: Math.Round(e.Sigma, 9)))
            .Select(g => g.OrderByDescending(e => e.Certification.CertifiedAuc).ThenByDescending(e => e.Run.Accuracy)
                .ThenBy(e => e.Run.TrainingSeconds).ThenBy(e => e.Run.Id).First())
            .ToHashSet();
        var rows = entries.Select(e => new CertifiedRow(e, eligibleRuns.Contains(e.Run.Id), best.Contains(e))).ToList();
        return new CertifiedComparisonResult(dataset, model, fairResult.TolerancePercent, fairResult.Baseline, rows);
    }
}
