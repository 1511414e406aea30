using System.Text.Json.Serialization;
using RobustLab.Training;
using RobustLab.Training.Certification;
using RobustLab.Training.Corruptions;

namespace RobustLab.Web.Runs;

/// <summary>"certify" in a run or sweep request: certify each run after it succeeds (a job of its own). Every field is optional.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CertifyAfterTraining
{
    /// <summary>Noise level (> 0, pixel units); default: the run's training sigma (in a sweep, a baseline takes the smallest listed sigma).</summary>
    public double? Sigma { get; init; }
    /// <summary>Noisy samples that guess the top class (default 100).</summary>
    public int? N0 { get; init; }
    /// <summary>Noisy samples that bound its probability (default 10000).</summary>
    public int? N { get; init; }
    /// <summary>Failure probability of each certificate, in (0, 1) (default 0.001).</summary>
    public double? Alpha { get; init; }
    /// <summary>Test images certified, every k-th of the test set (default 500).</summary>
    public int? Images { get; init; }
}

/// <summary>"corruptions" in a run or sweep request: measure each run under common corruptions after it succeeds. Every field is optional.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CorruptionsAfterTraining
{
    /// <summary>Corruption names or ["all"] (default).</summary>
    public IReadOnlyList<string?>? Corruptions { get; init; }
    /// <summary>Severities in 1-5 (default all five).</summary>
    public IReadOnlyList<int>? Severities { get; init; }
    /// <summary>Test images, drawn with the run's seed (default: the run's own test subset).</summary>
    public int? TestSubset { get; init; }
}

/// <summary>
/// The "certify" and "corruptions" parts of a run or sweep request as the plans of <see cref="Training.Loop.TrainingOptions"/>,
/// and back; their problems come from the plans (<see cref="CertificationPlan.Problems"/>, <see cref="CorruptionPlan.Problems"/>)
/// and are filed under "certify.n0", "corruptions.severities", ... as the request names them.
/// </summary>
public static class AfterTrainingRequest
{
    public static CertificationPlan? Plan(CertifyAfterTraining? r)
    {
        if (r is null) return null;
        var d = new CertificationPlan();
        return new CertificationPlan { Sigma = r.Sigma, N0 = r.N0 ?? d.N0, N = r.N ?? d.N, Alpha = r.Alpha ?? d.Alpha, Images = r.Images ?? d.Images };
    }

    /// <summary>The plan, written canonically when its names and severities parse (else as given, for its problems to name).</summary>
    public static CorruptionPlan? Plan(CorruptionsAfterTraining? r)
    {
        if (r is null) return null;
        var plan = new CorruptionPlan
        {
            Corruptions = r.Corruptions is null ? "all" : string.Join(",", r.Corruptions.Select(c => c ?? "")),
            Severities = r.Severities is null ? "1-5" : string.Join(",", r.Severities),
            TestSubset = r.TestSubset,
        };
        try { return CorruptionPlan.From(plan.Names, plan.Levels, plan.TestSubset); }
        catch (ArgumentException) { return plan; }
    }

    public static CertifyAfterTraining? Request(CertificationPlan? p) =>
        p is null ? null : new() { Sigma = p.Sigma, N0 = p.N0, N = p.N, Alpha = p.Alpha, Images = p.Images };

    public static CorruptionsAfterTraining? Request(CorruptionPlan? p) =>
        p is null ? null : new() { Corruptions = [.. p.Names], Severities = [.. p.Levels], TestSubset = p.TestSubset };

    /// <summary>A problem of the options filed under the request's name for it ("certify-n0" is "certify.n0").</summary>
    public static FieldProblem Problem(OptionProblem problem)
    {
        string? field = problem.Option switch
        {
            var o when o.StartsWith("certify-", StringComparison.Ordinal) => "certify." + new OptionProblem(o["certify-".Length..], "").Field,
            "corruptions" => "corruptions.corruptions",
            "corruption-severities" => "corruptions.severities",
            "corruption-test-subset" => "corruptions.testSubset",
            _ => null,
        };
        return field is null ? new FieldProblem(problem.Field, $"{problem.Field} {problem.Message}") : new FieldProblem(field, $"{field} {problem.Message}");
    }
}
