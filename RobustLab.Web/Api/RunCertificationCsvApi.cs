using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using RobustLab.Training.Certification;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Api;

/// <summary>
/// GET /api/runs/{id}/certification.csv?sigma=S: the per-image rows of a run's certification at one sigma (label,
/// prediction or abstain, radius, correct), the certify-&lt;sigma&gt;.csv the job wrote (<see cref="CertificationCsv"/>).
/// Without sigma: the smallest certified sigma. The file name is made from the parsed number, never from the request text.
/// The file comes from the run folder or the artifact store, as the run's other files do (<see cref="RunFilesApi"/>).
/// </summary>
public static class RunCertificationCsvApi
{
    public static IEndpointRouteBuilder MapRunCertificationCsv(this IEndpointRouteBuilder api)
    {
        api.MapGet("/runs/{id}/certification.csv", Download)
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The per-image certification rows of a run at ?sigma=S (default: its smallest certified sigma), as CSV.");
        return api;
    }

    static async Task<Results<PhysicalFileHttpResult, ValidationProblem, ProblemHttpResult>> Download(
        string id, string? sigma, IRunStore store, RunArtifacts artifacts, CancellationToken ct)
    {
        double? asked = null;
        if (sigma is not null)
        {
            if (!double.TryParse(sigma, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) || !(s > 0) || double.IsInfinity(s))
                return ApiProblems.Invalid(ApiJson.One("sigma", $"sigma must be a number > 0 (got '{RequestLimits.Echo(sigma)}')."));
            asked = s;
        }
        var run = await RunsApi.FindAsync(store, id, withEpochs: false, ct);
        if (run is null) return ApiProblems.RunNotFound(id);
        var certified = run.ReadMetrics()?.Certification ?? [];
        if (certified.Count == 0) return ApiProblems.FileNotFound(run.Id, "certification", "the run was not certified; POST /api/runs/{id}/certify.");
        // The stored sigma that matches (the file name rounds to four decimals, as the job wrote it).
        var entry = asked is { } a ? certified.FirstOrDefault(c => CertificationCsv.FileName(c.Sigma) == CertificationCsv.FileName(a)) : certified.MinBy(c => c.Sigma);
        if (entry is null)
            return ApiProblems.FileNotFound(run.Id, "certification",
                $"it was not certified at sigma {asked!.Value.ToString(CultureInfo.InvariantCulture)}; it was at " +
                string.Join(", ", certified.Select(c => c.Sigma.ToString(CultureInfo.InvariantCulture))) + ".");
        if (string.IsNullOrWhiteSpace(run.RunDir)) return ApiProblems.FileNotFound(run.Id, "certification", "the run has no folder.");
        string file = CertificationCsv.FileName(entry.Sigma);
        string? path;
        try { path = await artifacts.EnsureLocalFileAsync(run, file, ct); }
        catch (ArtifactCorruptException e) { return ApiProblems.CorruptArtifact(e); }
        if (path is null)
            return ApiProblems.FileNotFound(run.Id, "certification",
                artifacts.InStore ? $"{file} is not in the artifact store." : $"{file} is not in the run folder on this machine.");
        return TypedResults.PhysicalFile(path, "text/csv; charset=utf-8", $"run-{run.Id}-{file}");
    }
}
