using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Artifacts;

/// <summary>
/// Composition of the artifact store (<see cref="StorageOptions.EffectiveArtifacts"/>): no store for run folders, the
/// run store's database, or a shared folder; and <see cref="RunArtifacts"/>, which every job, download and page uses.
/// Called by <see cref="RunStoreSetup.AddRunStore"/>, so every process that has a run store has its artifacts too.
/// </summary>
public static class ArtifactStoreSetup
{
    /// <summary>Throws an InvalidOperationException naming the setting when the artifact settings cannot work.</summary>
    public static void Validate(StorageOptions storage)
    {
        if (storage.Artifacts is { } a && !Enum.IsDefined(a))
            throw new InvalidOperationException($"Storage:Artifacts '{a}' is not supported; use runfolder, database or folder.");
        if (storage.EffectiveArtifacts == ArtifactLocation.Folder && string.IsNullOrWhiteSpace(storage.ArtifactFolder))
            throw new InvalidOperationException(
                "Storage:ArtifactFolder is required when Storage:Artifacts is folder (a folder every machine reaches, such as a shared mount).");
    }

    public static IServiceCollection AddArtifactStore(this IServiceCollection services, StorageOptions storage)
    {
        Validate(storage);
        switch (storage.EffectiveArtifacts)
        {
            case ArtifactLocation.Database:
                services.TryAddSingleton<IArtifactStore>(sp => new DatabaseArtifactStore(
                    sp.GetRequiredService<IDbContextFactory<RunStoreContext>>(), sp.GetRequiredService<TimeProvider>()));
                break;
            case ArtifactLocation.Folder:
                string root = Path.GetFullPath(storage.ArtifactFolder!);
                services.TryAddSingleton<IArtifactStore>(sp => new FolderArtifactStore(root, sp.GetRequiredService<TimeProvider>()));
                break;
        }
        services.TryAddSingleton(sp => new RunArtifacts(storage,
            storage.EffectiveArtifacts == ArtifactLocation.RunFolder ? null : sp.GetRequiredService<IArtifactStore>(),
            sp.GetRequiredService<ILogger<RunArtifacts>>()));
        return services;
    }
}
