
namespace RobustLab.Web.Runs;

/// <summary>
/// Deletes a deleted run's folder. The path is the store's RunDir (decided by the server when the run was created, as
/// {data folder}/runs/{id}) or a local copy's folder made the same way, never a request value; and the folder must be
/// named after the run's id, so a corrupted row cannot make this delete anything else (the data folder, a root, another run).
/// </summary>
public static class RunFolderCleanup
{
    public static void Delete(RunEntity run, ILogger log) => Delete(run.Id, run.RunDir, log);

    public static void Delete(Guid runId, string? runDir, ILogger log)
    {
        if (string.IsNullOrWhiteSpace(runDir)) return;
        string dir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDir));
        string name = Path.GetFileName(dir);
        if (name != runId.ToString("N") && name != runId.ToString("D"))
        {
            log.LogWarning("Run {RunId}: not deleting its folder {RunDir}, which is not named after the run.", runId, dir);
            return;
        }
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The row is gone already; a leftover folder is harmless and the log says where it is.
            log.LogWarning(e, "Run {RunId}: could not delete its folder {RunDir}.", runId, dir);
        }
    }
}
