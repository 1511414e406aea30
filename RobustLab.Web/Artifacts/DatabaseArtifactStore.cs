using Microsoft.EntityFrameworkCore;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Artifacts;

// placeholder: replaced by wt-store at merge
public sealed class DatabaseArtifactStore(IDbContextFactory<RunStoreContext> contexts, TimeProvider clock) : IArtifactStore
{
    readonly IDbContextFactory<RunStoreContext> _contexts = contexts;
    readonly TimeProvider _clock = clock;
    static NotImplementedException Missing() => new("placeholder: replaced by wt-store at merge");
    public Task<ArtifactInfo> PutAsync(Guid runId, string name, Stream content, CancellationToken ct) => throw Missing();
    public Task<ArtifactInfo?> CopyToAsync(Guid runId, string name, Stream destination, CancellationToken ct) => throw Missing();
    public Task<IReadOnlyList<ArtifactInfo>> ListAsync(Guid runId, CancellationToken ct) => throw Missing();
    public Task<bool> DeleteAsync(Guid runId, string name, CancellationToken ct) => throw Missing();
    public Task<int> DeleteRunAsync(Guid runId, CancellationToken ct) => throw Missing();
    public Task<IReadOnlyList<ArtifactRunUsage>> UsageAsync(CancellationToken ct) => throw Missing();
}
