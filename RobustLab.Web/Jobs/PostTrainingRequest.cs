using System.Globalization;
using RobustLab.Training.Certification;

namespace RobustLab.Web.Jobs;

/// <summary>What one job after training is asked to do; validated before it is queued.</summary>
public abstract record PostTrainingRequest
{
    public abstract PostTrainingJobKind Kind { get; }

    /// <summary>The request in the run log's words ("fgsm on 100 test images").</summary>
    public abstract string Describe(double trainingSigma);
}

/// <summary>Attacks (catalogue names) on <paramref name="Samples"/> test images (<see cref="AttackRunJob"/>).</summary>
public sealed record AttackJobRequest(IReadOnlyList<string> Attacks, int Samples) : PostTrainingRequest
{
    public override PostTrainingJobKind Kind => PostTrainingJobKind.Attack;
    public override string Describe(double trainingSigma) => $"{string.Join(", ", Attacks)} on {Samples} test images";
}

/// <summary>Certification by randomised smoothing (<see cref="CertifyRunJob"/>); <paramref name="Sigmas"/> null: the run's training sigma.</summary>
public sealed record CertifyJobRequest(IReadOnlyList<double>? Sigmas, int N0, int N, double Alpha, int Images) : PostTrainingRequest
{
    public override PostTrainingJobKind Kind => PostTrainingJobKind.Certify;

    /// <summary>"sigma 0.25, n0 100, n 10000, alpha 0.001, 500 test images".</summary>
    public override string Describe(double trainingSigma) => string.Create(CultureInfo.InvariantCulture,
        $"sigma {string.Join(", ", CheckpointCertification.ResolveSigmas(Sigmas, trainingSigma).Select(s => s.ToString(CultureInfo.InvariantCulture)))}, " +
        $"n0 {N0}, n {N}, alpha {Alpha}, {Images} test images");
}

/// <summary>
/// Common corruptions at severities (<see cref="CorruptRunJob"/>) on <paramref name="TestSubset"/> test images drawn with
/// the run's seed (null: the run's own test subset).
/// </summary>
public sealed record CorruptJobRequest(IReadOnlyList<string> Corruptions, IReadOnlyList<int> Severities, int? TestSubset) : PostTrainingRequest
{
    public override PostTrainingJobKind Kind => PostTrainingJobKind.Corrupt;
    public override string Describe(double trainingSigma) =>
        $"{Corruptions.Count} corruption(s) ({string.Join(", ", Corruptions)}) at severities {string.Join(",", Severities)} on " +
        (TestSubset is { } k ? $"{k} test images" : "the run's test images");
}
