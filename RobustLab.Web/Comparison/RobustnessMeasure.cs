using System.Globalization;

namespace RobustLab.Web.Comparison;

/// <summary>What a robustness measure reads from a run.</summary>
public enum MeasureKind
{
    /// <summary>GNR, trapezoid area (the run's <c>gnr</c>).</summary>
    Gnr,
    /// <summary>GNR, mean over sigmas (the run's <c>gnrMean</c>).</summary>
    GnrMean,
    /// <summary>Certified AUC at a certification sigma (docs/method.md, section "Certified robustness").</summary>
    CertifiedAuc,
    /// <summary>Average certified radius at a certification sigma.</summary>
    Acr,
}

/// <summary>
/// The robustness a fair comparison ranks by: one of the two GNR scalars, or a certified measure (certified AUC or ACR)
/// at one certification sigma. Certified measures exist only for runs certified at that sigma; the comparison ranks
/// those runs and leaves the others out of the ranking (the baseline accuracy still counts every baseline run).
/// </summary>
public sealed record RobustnessMeasure(MeasureKind Kind, double CertificationSigma = 0)
{
    public static RobustnessMeasure Gnr { get; } = new(MeasureKind.Gnr);
    public static RobustnessMeasure GnrMean { get; } = new(MeasureKind.GnrMean);

    public static RobustnessMeasure Of(GnrScalar scalar) => scalar == GnrScalar.Mean ? GnrMean : Gnr;

    public static RobustnessMeasure CertifiedAuc(double sigma) => new(MeasureKind.CertifiedAuc, sigma);
    public static RobustnessMeasure Acr(double sigma) => new(MeasureKind.Acr, sigma);

    public bool IsCertified => Kind is MeasureKind.CertifiedAuc or MeasureKind.Acr;

    /// <summary>The GNR scalar this measure is, or Trapezoid for a certified one (it then plays no part).</summary>
    public GnrScalar Scalar => Kind == MeasureKind.GnrMean ? GnrScalar.Mean : GnrScalar.Trapezoid;

    /// <summary>The run's value, or null when the run does not have it (not certified at this sigma).</summary>
    public double? ValueOf(ComparisonRun run) => Kind switch
    {
        MeasureKind.Gnr => run.Gnr,
        MeasureKind.GnrMean => run.GnrMean,
        MeasureKind.CertifiedAuc => run.CertificationAt(CertificationSigma)?.CertifiedAuc,
        _ => run.CertificationAt(CertificationSigma)?.AverageCertifiedRadius,
    };

    /// <summary>The runs that have this measure, each with its GNR fields holding the measure's value (what the ranking reads).</summary>
    public IReadOnlyList<ComparisonRun> Measured(IEnumerable<ComparisonRun> runs) =>
        runs.Select(r => (Run: r, Value: ValueOf(r)))
            .Where(p => p.Value is { } v && double.IsFinite(v))
            .Select(p => Kind is MeasureKind.Gnr or MeasureKind.GnrMean ? p.Run : p.Run with { Gnr = p.Value!.Value, GnrMean = p.Value!.Value })
            .ToList();

    /// <summary>"GNR", "GNR (mean)", "certified AUC", "ACR": the word in sentences and column heads.</summary>
    public string ShortName => Kind switch
    {
        MeasureKind.Gnr => "GNR",
        MeasureKind.GnrMean => "GNR (mean)",
        MeasureKind.CertifiedAuc => "certified AUC",
        _ => "ACR",
    };

    /// <summary>The field the value comes from: "gnr", "gnrMean", "certifiedAuc at sigma 0.25", "acr at sigma 0.25".</summary>
    public string Field => Kind switch
    {
        MeasureKind.Gnr => "gnr",
        MeasureKind.GnrMean => "gnrMean",
        MeasureKind.CertifiedAuc => $"certifiedAuc at sigma {F(CertificationSigma)}",
        _ => $"acr at sigma {F(CertificationSigma)}",
    };

    /// <summary>What the selector shows.</summary>
    public string Label => Kind switch
    {
        MeasureKind.Gnr => "gnr: area under the curve (reference code)",
        MeasureKind.GnrMean => "gnrMean: mean over sigmas (paper)",
        MeasureKind.CertifiedAuc => $"certified AUC at sigma {F(CertificationSigma)} (randomised smoothing)",
        _ => $"ACR at sigma {F(CertificationSigma)}: average certified radius",
    };

    /// <summary>The query-string spelling: "trapezoid", "mean", "certified-auc:0.25", "acr:0.25".</summary>
    public string Name => Kind switch
    {
        MeasureKind.Gnr => "trapezoid",
        MeasureKind.GnrMean => "mean",
        MeasureKind.CertifiedAuc => "certified-auc:" + F(CertificationSigma),
        _ => "acr:" + F(CertificationSigma),
    };

    public static bool TryParse(string? text, out RobustnessMeasure measure)
    {
        measure = Gnr;
        string t = (text ?? "").Trim().ToLowerInvariant();
        int colon = t.IndexOf(':');
        if (colon < 0)
        {
            if (!GnrScalars.TryParse(t, out var scalar)) return false;
            measure = Of(scalar);
            return true;
        }
        if (!double.TryParse(t[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double sigma) || !(sigma > 0) || !double.IsFinite(sigma))
            return false;
        switch (t[..colon])
        {
            case "certified-auc" or "certifiedauc" or "auc": measure = CertifiedAuc(sigma); return true;
            case "acr": measure = Acr(sigma); return true;
            default: return false;
        }
    }

    /// <summary>
    /// The measures these runs offer: the two GNR scalars, then certified AUC and ACR at every sigma some run was
    /// certified at (smallest sigma first).
    /// </summary>
    public static IReadOnlyList<RobustnessMeasure> Available(IEnumerable<ComparisonRun> runs)
    {
        var sigmas = new List<double>();
        foreach (double s in runs.SelectMany(r => r.Certifications).Select(c => c.Sigma).Order())
            if (sigmas.Count == 0 || !ComparisonRun.SameSigma(sigmas[^1], s)) sigmas.Add(s);
        return [Gnr, GnrMean, .. sigmas.SelectMany(s => new[] { CertifiedAuc(s), Acr(s) })];
    }

    // Records compare doubles exactly; the selector must find a measure again after a reload re-reads the sigma.
    public bool Equals(RobustnessMeasure? other) =>
        other is not null && Kind == other.Kind && (!IsCertified || ComparisonRun.SameSigma(CertificationSigma, other.CertificationSigma));

    public override int GetHashCode() => HashCode.Combine(Kind, IsCertified ? Math.Round(CertificationSigma, 6) : 0);

    static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
