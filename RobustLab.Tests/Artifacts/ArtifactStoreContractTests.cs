using System.Security.Cryptography;
using RobustLab.Tests.Runs;
using RobustLab.Web.Artifacts;

namespace RobustLab.Tests.Artifacts;

/// <summary>An artifact store under test, with what a test needs to look behind its interface.</summary>
public interface IArtifactStoreUnderTest : IAsyncDisposable
{
    IArtifactStore Store { get; }
    ManualClock Clock { get; }
    /// <summary>Changes one stored byte of the artifact's current version (a bit rot, a bad disk, a hand edit).</summary>
    Task FlipByteAsync(Guid runId, string name, long offset);
    /// <summary>Bytes of content the store keeps, every version and leftover included (temp files, unreferenced blobs).</summary>
    Task<long> StoredBytesAsync();
}

/// <summary>
/// What every artifact store must do (the promises of <see cref="IArtifactStore"/>), whatever keeps the bytes: subclasses
/// supply the store (the database on SQLite or PostgreSQL, a folder).
/// </summary>
public abstract class ArtifactStoreContractTests : IAsyncLifetime
{
    /// <summary>The database store's chunk: contents of a few chunks exercise chunk boundaries in every store.</summary>
    protected const int Chunk = DatabaseArtifactStore.ChunkSize;

    IArtifactStoreUnderTest? _harness;
    protected IArtifactStoreUnderTest Harness => _harness!;
    protected IArtifactStore Store => Harness.Store;

    protected abstract Task<IArtifactStoreUnderTest> StartAsync();
    public async Task InitializeAsync() => _harness = await StartAsync();
    public async Task DisposeAsync() { if (_harness is not null) await _harness.DisposeAsync(); }

    [Fact]
    public async Task A_multi_chunk_artifact_round_trips_with_its_sha256()
    {
        var run = Guid.NewGuid();
        byte[] bytes = RandomBytes(Chunk * 5 / 2, seed: 1);
        var stored = await Store.PutAsync(run, "model.dat", new MemoryStream(bytes), default);

        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal(new ArtifactInfo(run, "model.dat", bytes.Length, sha, Harness.Clock.Now), stored);
        var (read, info) = await ReadAsync(run, "model.dat");
        Assert.Equal(stored, info);
        Assert.True(bytes.AsSpan().SequenceEqual(read), "the bytes read back differ from those stored");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Chunk)]
    [InlineData(2 * Chunk + 1)]
    public async Task Contents_at_chunk_boundaries_round_trip(int length)
    {
        var run = Guid.NewGuid();
        byte[] bytes = RandomBytes(length, seed: length);
        var stored = await Store.PutAsync(run, "state/state.json", new MemoryStream(bytes), default);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), stored.Sha256);
        var (read, _) = await ReadAsync(run, "state/state.json");
        Assert.Equal(bytes, read);
    }

    [Fact]
    public async Task Replacing_an_artifact_keeps_only_the_new_version()
    {
        var run = Guid.NewGuid();
        await Store.PutAsync(run, "state/state.json", new MemoryStream(RandomBytes(Chunk * 3 / 2, seed: 2)), default);
        Harness.Clock.Advance(TimeSpan.FromMinutes(1));
        byte[] second = RandomBytes(Chunk / 2, seed: 3);
        var stored = await Store.PutAsync(run, "state/state.json", new MemoryStream(second), default);

        var (read, info) = await ReadAsync(run, "state/state.json");
        Assert.Equal(second, read);
        Assert.Equal(stored, info);
        Assert.Equal(Harness.Clock.Now, info!.StoredAt);
        Assert.Equal([stored], await Store.ListAsync(run, default));
        Assert.Equal(second.Length, await Harness.StoredBytesAsync()); // the first version's bytes are gone
    }

    [Fact]
    public async Task List_usage_delete_and_delete_run_see_only_current_versions()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        await Store.PutAsync(a, "run.json", new MemoryStream(RandomBytes(10, 4)), default);
        await Store.PutAsync(a, "state/state.json", new MemoryStream(RandomBytes(20, 5)), default);
        await Store.PutAsync(a, "model.dat", new MemoryStream(RandomBytes(30, 6)), default);
        await Store.PutAsync(a, "model.dat", new MemoryStream(RandomBytes(40, 7)), default);
        await Store.PutAsync(b, "model.dat", new MemoryStream(RandomBytes(50, 8)), default);

        Assert.Equal(["model.dat", "run.json", "state/state.json"], (await Store.ListAsync(a, default)).Select(i => i.Name));
        Assert.Equal([40L, 10L, 20L], (await Store.ListAsync(a, default)).Select(i => i.Length));
        Assert.Empty(await Store.ListAsync(Guid.NewGuid(), default));
        Assert.Equal(
            new[] { new ArtifactRunUsage(a, 3, 70), new ArtifactRunUsage(b, 1, 50) }.OrderBy(u => u.RunId),
            await Store.UsageAsync(default));

        Assert.True(await Store.DeleteAsync(a, "run.json", default));
        Assert.False(await Store.DeleteAsync(a, "run.json", default));
        Assert.Null(await Store.CopyToAsync(a, "run.json", Stream.Null, default));
        Assert.Equal(["model.dat", "state/state.json"], (await Store.ListAsync(a, default)).Select(i => i.Name));

        Assert.Equal(2, await Store.DeleteRunAsync(a, default));
        Assert.Equal(0, await Store.DeleteRunAsync(a, default));
        Assert.Empty(await Store.ListAsync(a, default));
        Assert.Equal([new ArtifactRunUsage(b, 1, 50)], await Store.UsageAsync(default));
        Assert.Equal(50, await Harness.StoredBytesAsync());
    }

    [Fact]
    public async Task A_flipped_byte_is_detected_on_read_with_an_error_naming_the_run_and_the_artifact()
    {
        var run = Guid.NewGuid();
        byte[] bytes = RandomBytes(Chunk * 5 / 2, seed: 9);
        await Store.PutAsync(run, "model.safetensors", new MemoryStream(bytes), default);
        await Harness.FlipByteAsync(run, "model.safetensors", offset: Chunk + 12345);

        var error = await Assert.ThrowsAsync<ArtifactCorruptException>(() => Store.CopyToAsync(run, "model.safetensors", new MemoryStream(), default));
        Assert.Equal(run, error.RunId);
        Assert.Equal("model.safetensors", error.Name);
        Assert.Contains(run.ToString(), error.Message);
        Assert.Contains("model.safetensors", error.Message);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(bytes)), error.Message);
    }

    [Fact]
    public async Task An_upload_that_fails_midway_leaves_the_previous_version_readable()
    {
        var run = Guid.NewGuid();
        byte[] first = RandomBytes(Chunk * 3 / 2 + 7, seed: 10);
        var stored = await Store.PutAsync(run, "model.dat", new MemoryStream(first), default);
        Harness.Clock.Advance(TimeSpan.FromMinutes(1));

        var failing = new InterruptedStream(RandomBytes(Chunk * 3, seed: 11), Chunk * 3 / 2,
            () => throw new IOException("the worker's disk went away"));
        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync(run, "model.dat", failing, default));

        var (read, info) = await ReadAsync(run, "model.dat");
        Assert.Equal(first, read);
        Assert.Equal(stored, info);
        Assert.Equal(first.Length, await Harness.StoredBytesAsync()); // nothing of the failed upload is left
    }

    [Fact]
    public async Task A_read_racing_a_replace_gives_one_whole_version_or_asks_to_read_again_but_never_cries_corruption()
    {
        var run = Guid.NewGuid();
        byte[] first = RandomBytes(Chunk * 5 / 2, seed: 30), second = RandomBytes(Chunk * 3 / 2, seed: 31);
        var stored = await Store.PutAsync(run, "model.dat", new MemoryStream(first), default);
        // The new version is stored once the reader has written its first bytes.
        var destination = new WriteHookStream(() => Store.PutAsync(run, "model.dat", new MemoryStream(second), default));

        var error = await Record.ExceptionAsync(async () =>
        {
            Assert.Equal(stored, await Store.CopyToAsync(run, "model.dat", destination, default));
            Assert.True(first.AsSpan().SequenceEqual(destination.ToArray()), "the read returned a mix of versions");
        });
        if (error is not null)
        {
            Assert.IsType<IOException>(error); // not ArtifactCorruptException
            Assert.Contains(run.ToString(), error.Message);
        }
        var (read, _) = await ReadAsync(run, "model.dat");
        Assert.Equal(second, read);
    }

    [Fact]
    public async Task A_name_outside_the_rule_is_refused_with_the_name()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(Guid.NewGuid(), "../model.dat", new MemoryStream([1]), default));
        Assert.Contains("../model.dat", error.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CopyToAsync(Guid.NewGuid(), "a//b", Stream.Null, default));
    }

    protected async Task<(byte[] Bytes, ArtifactInfo? Info)> ReadAsync(Guid run, string name)
    {
        var destination = new MemoryStream();
        var info = await Store.CopyToAsync(run, name, destination, default);
        return (destination.ToArray(), info);
    }

    protected static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}

/// <summary>
/// An upload source that serves <paramref name="bytes"/> but, on reaching <paramref name="at"/>, runs
/// <paramref name="interrupt"/> once (which may throw, as a failing source does, or kill the uploader's connection).
/// </summary>
public sealed class InterruptedStream(byte[] bytes, int at, Func<Task> interrupt) : Stream
{
    int _position;
    bool _interrupted;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_position == at && !_interrupted)
        {
            _interrupted = true;
            await interrupt();
        }
        int end = _position < at ? at : bytes.Length; // stop at the interruption point first
        int count = Math.Min(buffer.Length, end - _position);
        bytes.AsMemory(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, default).GetAwaiter().GetResult();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A memory stream that runs <paramref name="hook"/> once, before its first write.</summary>
public sealed class WriteHookStream(Func<Task> hook) : MemoryStream
{
    bool _hooked;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        if (!_hooked)
        {
            _hooked = true;
            await hook();
        }
        await base.WriteAsync(buffer, ct);
    }
}
