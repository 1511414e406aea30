using Microsoft.EntityFrameworkCore;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Artifacts;

/// <summary>The one place that turns Storage:Artifacts into a store (docs/architecture.md, "Artifacts").</summary>
public static class ArtifactStores
{
    /// <summary>
    /// The store for <see cref="StorageOptions.EffectiveArtifacts"/>: null for <see cref="ArtifactLocation.RunFolder"/>
    /// (the run folders under the data folder are the only copy), else the database or folder store. Settings that
    /// cannot work are refused by <see cref="RunStoreSetup.Validate"/> with the setting's name.
    /// </summary>
    public static IArtifactStore? Create(StorageOptions storage, IDbContextFactory<RunStoreContext> contexts, TimeProvider clock)
    {
        RunStoreSetup.Validate(storage);
        return storage.EffectiveArtifacts switch
        {
            ArtifactLocation.Database => new DatabaseArtifactStore(contexts, clock),
            ArtifactLocation.Folder => new FolderArtifactStore(Path.GetFullPath(storage.ArtifactFolder!), clock),
            _ => null,
        };
    }
}
