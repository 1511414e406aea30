namespace RobustLab.Training.Certification;

/// <summary>Certified accuracy at one L2 radius: the share of images certified correct with at least that radius.</summary>
public sealed record CertifiedPoint(double Radius, double Accuracy);

/// <summary>
/// The figures of a certification (docs/method.md, section "Certified robustness"): the certified-accuracy curve on
/// r in [0, 1.5] in steps of 0.01, its values at the fixed radii, the average certified radius (ACR), the certified AUC
/// (trapezoid area under the curve on [0, 1.5], the reference code's per-model scalar) and the abstain rate.
/// </summary>
public sealed record CertificationSummary(
    IReadOnlyList<CertifiedPoint> Curve,
    IReadOnlyList<CertifiedPoint> AtRadii,
    double AverageCertifiedRadius,
    double CertifiedAuc,
    double AbstainRate,
    int Images)
{
    public const double MaxRadius = 1.5;
    /// <summary>Curve points per unit of radius (step 0.01).</summary>
    public const int StepsPerUnit = 100;
    public static readonly IReadOnlyList<double> FixedRadii = [0, 0.25, 0.5, 0.75, 1.0];

    public static CertificationSummary From(IReadOnlyList<CertifiedImage> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("rows: no certified images to summarise.");
        // Radii as i / 100 so that 0.25, 0.5, ... are exact and match the fixed radii.
        var curve = Enumerable.Range(0, (int)Math.Round(MaxRadius * StepsPerUnit) + 1)
            .Select(i => At(rows, i / (double)StepsPerUnit)).ToArray();
        double auc = 0;
        for (int i = 1; i < curve.Length; i++)
            auc += (curve[i].Radius - curve[i - 1].Radius) * (curve[i].Accuracy + curve[i - 1].Accuracy) / 2;
        return new CertificationSummary(
            curve,
            FixedRadii.Select(r => At(rows, r)).ToArray(),
            rows.Average(r => r.Correct ? r.Radius : 0),
            auc,
            rows.Count(r => r.Abstained) / (double)rows.Count,
            rows.Count);
    }

    /// <summary>Share of rows whose prediction is correct and whose radius is at least r.</summary>
    public static CertifiedPoint At(IReadOnlyList<CertifiedImage> rows, double radius) =>
        new(radius, rows.Count(r => r.Correct && r.Radius >= radius) / (double)rows.Count);
}
