using Microsoft.AspNetCore.Http.HttpResults;
using RobustLab.Training.Checkpoints;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Api;

/// <summary>
/// GET /api/runs/{id}/files/{kind}: a finished run's files. The kind picks one of three fixed file names; the request
/// value is only compared with those names, never put into a path. The file comes from the run's folder (RunDir, from
/// the store) or, with an artifact store, from the store through this machine's read cache (<see cref="RunArtifacts"/>),
/// on any machine; a stored file that fails its SHA-256 check is a problem response and no byte of it is served.
/// </summary>
public static class RunFilesApi
{
    /// <summary>kind -> (file in the run folder, download extension, content type).</summary>
    static readonly IReadOnlyDictionary<string, (string File, string Extension, string ContentType)> Kinds =
        new Dictionary<string, (string, string, string)>(StringComparer.Ordinal)
        {
            ["safetensors"] = (RunFolder.SafetensorsFile, ".safetensors", "application/octet-stream"),
            ["torchsharp"] = (RunFolder.ModelDatFile, ".dat", "application/octet-stream"),
            ["runjson"] = (RunFolder.RunJsonFile, ".json", "application/json"),
        };

    public static IEndpointRouteBuilder MapRunFiles(this IEndpointRouteBuilder api)
    {
        api.MapGet("/runs/{id}/files/{kind}", Download)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Download model.safetensors (kind safetensors), model.dat (torchsharp) or run.json (runjson).");
        return api;
    }

    static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> Download(string id, string kind, IRunStore store,
        RunArtifacts artifacts, CancellationToken ct)
    {
        if (!Kinds.TryGetValue(kind, out var file))
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "File not found",
                detail: $"Unknown file kind; use one of {string.Join(", ", Kinds.Keys)}.");
        var run = await RunsApi.FindAsync(store, id, withEpochs: false, ct);
        if (run is null) return ApiProblems.RunNotFound(id);
        if (string.IsNullOrWhiteSpace(run.RunDir))
            return ApiProblems.FileNotFound(run.Id, kind, "the run has no folder yet.");
        string? path;
        try { path = await artifacts.EnsureLocalFileAsync(run, file.File, ct); }
        catch (ArtifactCorruptException e) { return ApiProblems.CorruptArtifact(e); }
        if (path is null)
            return ApiProblems.FileNotFound(run.Id, kind, $"{file.File} is not there (yet); the run is {run.Status.Name()}.");
        return TypedResults.PhysicalFile(path, file.ContentType, $"run-{run.Id}{file.Extension}", enableRangeProcessing: true);
    }
}
