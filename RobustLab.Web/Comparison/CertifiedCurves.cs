using RobustLab.Training.Certification;

namespace RobustLab.Web.Comparison;

/// <summary>A certified-accuracy curve and where it comes from.</summary>
/// <param name="FromRows">True: the full curve (step 0.01) from the per-image CSV; false: only the fixed radii kept in the metrics.</param>
public sealed record CertifiedCurve(IReadOnlyList<CertifiedPoint> Points, bool FromRows);

/// <summary>
/// The certified-accuracy curve of a certification. The run's metrics keep only the fixed radii; the full curve is
/// recomputed from certify-&lt;sigma&gt;.csv in the run folder (<see cref="CertificationSummary.From"/>, the same
/// summary the certification wrote), and falls back to the fixed radii when the file is absent or unreadable (a run
/// trained on another machine, a folder cleaned up).
/// </summary>
public static class CertifiedCurves
{
    public static CertifiedCurve Of(string? runDir, CertificationMetrics certification)
    {
        if (runDir is not null)
        {
            string path = Path.Combine(runDir, CertificationCsv.FileName(certification.Sigma));
            try
            {
                if (File.Exists(path) && CertificationCsv.ReadFile(path) is { Count: > 0 } rows)
                    return new CertifiedCurve(CertificationSummary.From(rows).Curve, FromRows: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        }
        return new CertifiedCurve(certification.CertifiedAccuracy, FromRows: false);
    }

    /// <summary>Every certification's curve of these runs, by run and sigma (read once per page load, not per redraw).</summary>
    public static IReadOnlyDictionary<(Guid Run, double Sigma), CertifiedCurve> Of(IEnumerable<ComparisonRun> runs) =>
        runs.SelectMany(r => r.Certifications.Select(c => (Key: (r.Id, c.Sigma), Curve: Of(r.RunDir, c))))
            .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Curve);
}
