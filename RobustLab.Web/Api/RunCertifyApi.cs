using System.Text.Json.Serialization;
using RobustLab.Web.Jobs;

namespace RobustLab.Web.Api;

/// <summary>POST /api/runs/{id}/certify: how to certify a succeeded run by randomised smoothing. Every field is optional; unknown fields are rejected.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CertifyRequest
{
    /// <summary>Noise levels (> 0, pixel units in [0, 1]); default: the run's training sigma (a baseline must name one).</summary>
    public IReadOnlyList<double>? Sigma { get; init; }
    /// <summary>Noisy samples that guess the top class, in [1, 10000000] (default 100).</summary>
    public int? N0 { get; init; }
    /// <summary>Noisy samples that bound its probability, in [1, 10000000] (default 10000).</summary>
    public int? N { get; init; }
    /// <summary>Failure probability of each certificate, in (0, 1) (default 0.001).</summary>
    public double? Alpha { get; init; }
    /// <summary>Test images certified, every k-th of the test set, >= 1 (default 500).</summary>
    public int? Images { get; init; }
}

/// <summary>
/// Certifying a run after it succeeded (docs/method.md, section "Certified robustness"): a job on the run's device
/// queue certifies it and stores the scalars per sigma in the run's metrics (<see cref="CertifySubmitter"/>,
/// <see cref="CertifyRunJob"/>).
/// </summary>
public static class RunCertifyApi
{
    public static IEndpointRouteBuilder MapRunCertify(this IEndpointRouteBuilder api)
    {
        api.MapPostTrainingJob<CertifyRequest>("/runs/{id}/certify",
            (services, runId, r, ct) => services.GetRequiredService<CertifySubmitter>().SubmitAsync(runId, r.Sigma, r.N0, r.N, r.Alpha, r.Images, ct),
            "Certify a succeeded run by randomised smoothing (202): a job on its device queue stores certified accuracy, ACR, " +
            "certified AUC, abstain rate and majority vote per sigma in the run's metrics and certify-<sigma>.csv;");
        return api;
    }
}
