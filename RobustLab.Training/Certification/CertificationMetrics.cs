namespace RobustLab.Training.Certification;

/// <summary>
/// The scalars of one certification that a run keeps in its metrics (run.json and the run store): the settings, the
/// certified accuracy at the fixed radii, ACR, certified AUC, abstain rate and the majority-vote robustness at the same
/// sigma. The curve and the per-image rows stay in certify-&lt;sigma&gt;.csv (<see cref="CertificationCsv"/>).
/// </summary>
public sealed record CertificationMetrics(
    double Sigma, int N0, int N, double Alpha, int Seed, int Images, int Every,
    IReadOnlyList<CertifiedPoint> CertifiedAccuracy,
    double AverageCertifiedRadius, double CertifiedAuc, double AbstainRate,
    double MajorityVote, int MajorityVoteSamples, double Seconds)
{
    public static CertificationMetrics From(CertificationResult r) => new(
        r.Sigma, r.N0, r.N, r.Alpha, r.Seed, r.Summary.Images, r.Every, r.Summary.AtRadii,
        r.Summary.AverageCertifiedRadius, r.Summary.CertifiedAuc, r.Summary.AbstainRate,
        r.MajorityVote.Robustness, r.MajorityVoteSamples, r.Seconds);

    /// <summary>
    /// <paramref name="stored"/> with the entries at the sigmas of <paramref name="fresh"/> replaced by them, in order of
    /// sigma: certifying again at one sigma keeps what was certified at the others.
    /// </summary>
    public static IReadOnlyList<CertificationMetrics> Merge(IReadOnlyList<CertificationMetrics>? stored, IReadOnlyList<CertificationMetrics> fresh) =>
        [.. (stored ?? []).Where(s => !fresh.Any(f => f.Sigma == s.Sigma)).Concat(fresh).OrderBy(m => m.Sigma)];
}
