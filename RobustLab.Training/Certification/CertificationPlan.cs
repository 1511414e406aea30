using System.Globalization;

namespace RobustLab.Training.Certification;

/// <summary>
/// Certification a run asks for with its configuration, done by a job after the run succeeds (docs/method.md, section
/// "Certified robustness"): one sigma (null: the training sigma) and the sizing. Scalars only, so options that carry a
/// plan still compare by value (resume and reuse depend on that).
/// </summary>
public sealed record CertificationPlan
{
    public double? Sigma { get; init; }
    public int N0 { get; init; } = 100;
    public int N { get; init; } = 10_000;
    public double Alpha { get; init; } = 0.001;
    public int Images { get; init; } = 500;

    /// <summary>The sigma certified at: the plan's, else the training sigma.</summary>
    public double SigmaFor(double trainingSigma) => Sigma ?? trainingSigma;

    /// <summary>The problems of the plan for a run trained at <paramref name="trainingSigma"/>, under the options certify-sigma, certify-n0, ....</summary>
    public IReadOnlyList<OptionProblem> Problems(double trainingSigma)
    {
        var errors = new List<OptionProblem>();
        double sigma = SigmaFor(trainingSigma);
        if (Sigma is null && !(trainingSigma > 0))
            errors.Add(new("certify-sigma", "is required when the run trains without noise (a baseline): name the sigma to certify at."));
        var options = new CertificationOptions { Sigma = sigma > 0 ? sigma : 1, N0 = N0, N = N, Alpha = Alpha, Images = Images };
        if (Sigma is { } s && !(s > 0 && !double.IsInfinity(s)))
            errors.Add(new("certify-sigma", string.Create(CultureInfo.InvariantCulture, $"must be a number > 0 (got {s}).")));
        // CertificationOptions names its fields first ("n0 must be ..."): the same message under the plan's option.
        foreach (string message in options.Validate())
        {
            int space = message.IndexOf(' ');
            errors.Add(new("certify-" + message[..space], message[(space + 1)..]));
        }
        return errors;
    }
}
