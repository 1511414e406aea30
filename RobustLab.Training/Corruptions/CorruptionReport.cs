using System.Text.Json;
using System.Text.Json.Serialization;

namespace RobustLab.Training.Corruptions;

/// <summary>
/// One corruption at one severity: accuracy, ECE and NLL; the reliability diagram only for the noise corruptions
/// (empty for the others, to keep reports small).
/// </summary>
public sealed record SeverityResult(int Severity, double Accuracy, double Ece, double Nll, IReadOnlyList<ReliabilityBin> Reliability);

/// <summary>One corruption over the severities asked for.</summary>
public sealed record CorruptionResult(
    string Corruption,
    [property: JsonConverter(typeof(CorruptionFamilyJsonConverter))] CorruptionFamily Family,
    IReadOnlyList<SeverityResult> Severities,
    /// <summary>Mean accuracy over the severities.</summary>
    double MeanAccuracy,
    double Seconds)
{
    /// <summary>Sum over severities of the error rate: the numerator of Hendrycks's corruption error CE.</summary>
    [JsonIgnore] public double ErrorSum => Severities.Sum(s => 1 - s.Accuracy);
}

/// <summary>Corruption error of one corruption relative to the baseline: CE = sum_s E_s / sum_s E_s(baseline).</summary>
public sealed record CorruptionError(string Corruption, double Ce, double RelativeCe);

/// <summary>
/// Hendrycks and Dietterich's (2019) mCE, the mean over corruptions of CE, and relative mCE, the mean of
/// sum_s (E_s - E_clean) / sum_s (E_s(baseline) - E_clean(baseline)), with a baseline run as the reference network.
/// </summary>
public sealed record CorruptionErrors(string Baseline, double Mce, double RelativeMce, IReadOnlyList<CorruptionError> PerCorruption);

/// <summary>
/// A network under common corruptions: clean accuracy and calibration, accuracy (and ECE, NLL) per corruption and
/// severity, the mean corruption accuracy over all of them, and, when a baseline was given, mCE.
/// </summary>
public sealed record CorruptionReport(
    int Images,
    int Seed,
    IReadOnlyList<int> Severities,
    double CleanAccuracy,
    CalibrationMetrics Clean,
    IReadOnlyList<CorruptionResult> Corruptions,
    /// <summary>Mean accuracy over every corruption and severity.</summary>
    double MeanCorruptionAccuracy,
    double Seconds)
{
    public CorruptionErrors? Errors { get; init; }

    public CorruptionResult? this[string corruption] => Corruptions.FirstOrDefault(c => c.Corruption == corruption);
}

/// <summary>Writes families as "noise", "blur", "digital", "geometric" whatever the serializer's options.</summary>
public sealed class CorruptionFamilyJsonConverter() : JsonStringEnumConverter<CorruptionFamily>(JsonNamingPolicy.CamelCase);
