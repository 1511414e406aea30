using RobustLab.Training.Certification;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Comparison;

/// <summary>Which GNR scalar a comparison ranks by (docs/method.md, section "GNR" gives both).</summary>
public enum GnrScalar
{
    /// <summary>The trapezoid area under the consistency curve over the sigma range: the reference code's scalar, the run's <c>gnr</c>.</summary>
    Trapezoid,
    /// <summary>The mean of the curve over its sigmas: the paper's scalar, the run's <c>gnrMean</c>.</summary>
    Mean,
}

public static class GnrScalars
{
    /// <summary>The query-string and CSV spelling: "trapezoid" or "mean".</summary>
    public static string Name(this GnrScalar scalar) => scalar == GnrScalar.Mean ? "mean" : "trapezoid";

    /// <summary>The run field the scalar comes from, for labels: "gnr" or "gnrMean".</summary>
    public static string Field(this GnrScalar scalar) => scalar == GnrScalar.Mean ? "gnrMean" : "gnr";

    public static bool TryParse(string? text, out GnrScalar scalar)
    {
        switch ((text ?? "").Trim().ToLowerInvariant())
        {
            case "" or "trapezoid" or "gnr" or "auc": scalar = GnrScalar.Trapezoid; return true;
            case "mean" or "gnrmean": scalar = GnrScalar.Mean; return true;
            default: scalar = GnrScalar.Trapezoid; return false;
        }
    }
}

/// <summary>
/// One succeeded, evaluated run as the comparisons see it. Accuracy and GNR are fractions in [0, 1] (as the run store
/// keeps them); <see cref="TrainingSeconds"/> is the sum of the measured epoch times (evaluation not included).
/// </summary>
public sealed record ComparisonRun(
    Guid Id, TrainingMethod Method, double Sigma, double Alpha, int Copies, int Seed,
    double Accuracy, double Gnr, double GnrMean, double TrainingSeconds)
{
    public double GnrOf(GnrScalar scalar) => scalar == GnrScalar.Mean ? GnrMean : Gnr;

    /// <summary>The run's stored options, for the parameters beyond sigma, alpha and N~ (null: none beyond them).</summary>
    public TrainingOptions? Options { get; init; }

    public MethodSetting Setting => MethodSetting.Of((Options ?? new TrainingOptions()) with { Method = Method, Sigma = Sigma, Alpha = Alpha, Copies = Copies });

    /// <summary>The run's certifications, one per sigma (empty when never certified): the certified measures read them.</summary>
    public IReadOnlyList<CertificationMetrics> Certifications { get; init; } = [];

    /// <summary>The run's corruption report, when it was measured under corruptions.</summary>
    public CorruptionReport? Corruptions { get; init; }

    /// <summary>The run folder (the per-image certification CSVs live there); null when unknown.</summary>
    public string? RunDir { get; init; }

    /// <summary>The certification at <paramref name="sigma"/>, or null when the run was not certified at it.</summary>
    public CertificationMetrics? CertificationAt(double sigma) => Certifications.FirstOrDefault(c => SameSigma(c.Sigma, sigma));

    /// <summary>Sigmas are typed by hand (0.25) and stored as doubles; this absorbs the last bits.</summary>
    public static bool SameSigma(double a, double b) => Math.Abs(a - b) <= 1e-9;

    /// <summary>
    /// The run as a comparison input, or null when it cannot be one (not succeeded, or no accuracy or GNR yet).
    /// Pass the run with its epochs (<see cref="IRunStore.GetRunAsync"/> withEpochs) for the training seconds.
    /// </summary>
    public static ComparisonRun? From(RunEntity run)
    {
        if (run.Status != RunStatus.Succeeded || run.TestAccuracy is not { } accuracy || run.Gnr is not { } gnr) return null;
        double seconds = run.EpochReports.Sum(e => e.Seconds);
        var metrics = run.ReadMetrics();
        return new ComparisonRun(run.Id, run.Method, run.Sigma, run.Alpha, run.Copies, run.Seed, accuracy, gnr,
            run.GnrMean ?? gnr, seconds)
        {
            Certifications = metrics?.Certification ?? [], Corruptions = metrics?.Corruptions, RunDir = run.RunDir, Options = run.ReadOptions(),
        };
    }
}
