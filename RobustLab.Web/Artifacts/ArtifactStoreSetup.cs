using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Artifacts;

/// <summary>
/// Composition of the artifact store (<see cref="StorageOptions.EffectiveArtifacts"/>, chosen by
/// <see cref="ArtifactStores.Create"/>): no store for run folders, the run store's database, or a shared folder; and
/// <see cref="RunArtifacts"/>, which every job, download and page uses. Called by <see cref="RunStoreSetup.AddRunStore"/>
/// (which has validated the settings), so every process that has a run store has its artifacts too. A test may register
/// its own <see cref="IArtifactStore"/> first.
/// </summary>
public static class ArtifactStoreSetup
{
    public static IServiceCollection AddArtifactStore(this IServiceCollection services, StorageOptions storage)
    {
        bool runFolders = storage.EffectiveArtifacts == ArtifactLocation.RunFolder;
        if (!runFolders)
            services.TryAddSingleton<IArtifactStore>(sp => ArtifactStores.Create(storage,
                sp.GetRequiredService<IDbContextFactory<RunStoreContext>>(), sp.GetRequiredService<TimeProvider>())!);
        services.TryAddSingleton(sp => new RunArtifacts(storage,
            runFolders ? null : sp.GetRequiredService<IArtifactStore>(), sp.GetRequiredService<ILogger<RunArtifacts>>()));
        return services;
    }
}
