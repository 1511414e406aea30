using Microsoft.EntityFrameworkCore;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Artifacts;

/// <summary>The one place that turns Storage:Artifacts into a store (docs/architecture.md, "Artifacts").</summary>
public static class ArtifactStores
{
    /// <summary>
    /// The store for <see cref="StorageOptions.EffectiveArtifacts"/>: null for <see cref="ArtifactLocation.RunFolder"/>
    /// (the run folders under the data folder are the only copy), else the database or folder store. Throws an
    /// InvalidOperationException naming Storage:ArtifactFolder when the folder location has no folder.
    /// </summary>
    public static IArtifactStore? Create(StorageOptions storage, IDbContextFactory<RunStoreContext> contexts, TimeProvider clock) =>
        storage.EffectiveArtifacts switch
        {
            ArtifactLocation.RunFolder => null,
            ArtifactLocation.Database => new DatabaseArtifactStore(contexts, clock),
            ArtifactLocation.Folder => new FolderArtifactStore(RequireFolder(storage), clock),
            var other => throw new InvalidOperationException($"Storage:Artifacts '{other}' is not supported; use runfolder, database or folder."),
        };

    static string RequireFolder(StorageOptions storage) => string.IsNullOrWhiteSpace(storage.ArtifactFolder)
        ? throw new InvalidOperationException(
            "Storage:ArtifactFolder is required when Storage:Artifacts is folder: a folder that every machine mounts " +
            "(set it in appsettings.json or the environment variable Storage__ArtifactFolder).")
        : Path.GetFullPath(storage.ArtifactFolder);
}
