using Microsoft.EntityFrameworkCore;
using RobustLab.Tests.Loop;
using RobustLab.Tests.Processes;
using RobustLab.Tests.Runs;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Artifacts;

/// <summary>The database store on a migrated run store (a SQLite file or a PostgreSQL database), looked behind through EF.</summary>
public sealed class DatabaseArtifactStoreUnderTest(RunStoreHarness runStore) : IArtifactStoreUnderTest
{
    public RunStoreHarness RunStore => runStore;
    public IArtifactStore Store { get; } = new DatabaseArtifactStore(runStore.Contexts, runStore.Clock);
    public ManualClock Clock => runStore.Clock;

    public async Task FlipByteAsync(Guid runId, string name, long offset)
    {
        await using var db = await runStore.Contexts.CreateDbContextAsync();
        var artifact = await db.Artifacts.SingleAsync(a => a.RunId == runId && a.Name == name);
        var chunk = await db.ArtifactChunks.SingleAsync(c => c.BlobId == artifact.BlobId && c.Position == (int)(offset / DatabaseArtifactStore.ChunkSize));
        byte[] data = chunk.Data.ToArray();
        data[offset % DatabaseArtifactStore.ChunkSize] ^= 0x01;
        chunk.Data = data;
        await db.SaveChangesAsync();
    }

    public async Task<long> StoredBytesAsync()
    {
        await using var db = await runStore.Contexts.CreateDbContextAsync();
        return (await db.ArtifactChunks.AsNoTracking().ToListAsync()).Sum(c => (long)c.Data.Length);
    }

    public ValueTask DisposeAsync() => runStore.DisposeAsync();
}

public sealed class SqliteArtifactStoreTests : ArtifactStoreContractTests
{
    protected override async Task<IArtifactStoreUnderTest> StartAsync() => new DatabaseArtifactStoreUnderTest(await RunStoreHarness.StartAsync());
}

public sealed class FolderArtifactStoreTests : ArtifactStoreContractTests
{
    protected override Task<IArtifactStoreUnderTest> StartAsync() => Task.FromResult<IArtifactStoreUnderTest>(new FolderUnderTest());

    [Fact]
    public async Task A_crash_after_the_new_blob_but_before_its_index_leaves_the_previous_version()
    {
        var run = Guid.NewGuid();
        byte[] first = RandomBytes(1000, seed: 12);
        var stored = await Store.PutAsync(run, "run.json", new MemoryStream(first), default);
        // What a killed writer leaves after its blob's rename: a complete blob nothing points at, and a temp file.
        string blobs = Path.GetDirectoryName(((FolderUnderTest)Harness).Blobs().Single())!;
        File.WriteAllBytes(Path.Combine(blobs, Guid.NewGuid().ToString("N")), RandomBytes(2000, seed: 13));
        File.WriteAllBytes(Path.Combine(blobs, ".x.tmp"), RandomBytes(30, seed: 14));

        var (read, info) = await ReadAsync(run, "run.json");
        Assert.Equal(first, read);
        Assert.Equal(stored, info);
        Assert.Equal([stored], await Store.ListAsync(run, default));
    }

    sealed class FolderUnderTest : IArtifactStoreUnderTest
    {
        readonly TempFolder _folder = new();
        public FolderUnderTest() => Store = new FolderArtifactStore(_folder.Sub("artifacts"), Clock);
        public IArtifactStore Store { get; }
        public ManualClock Clock { get; } = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));

        /// <summary>Every file under a blobs folder.</summary>
        public IEnumerable<string> Blobs() => Directory.Exists(_folder.Sub("artifacts"))
            ? Directory.EnumerateFiles(_folder.Sub("artifacts"), "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "blobs")
            : [];

        public async Task FlipByteAsync(Guid runId, string name, long offset)
        {
            // The run has one blob after a single write; which one the index names is the store's business.
            string blob = Blobs().Single(f => f.Contains(runId.ToString("N")));
            await using var file = new FileStream(blob, FileMode.Open, FileAccess.ReadWrite);
            file.Position = offset;
            int b = file.ReadByte();
            file.Position = offset;
            file.WriteByte((byte)(b ^ 0x01));
        }

        public Task<long> StoredBytesAsync() => Task.FromResult(Blobs().Sum(f => new FileInfo(f).Length));

        public ValueTask DisposeAsync()
        {
            _folder.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
