using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using RobustLab.Web.Artifacts;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Artifacts;

/// <summary>
/// An in-memory <see cref="IArtifactStore"/> that keeps the contract's promises: a new version replaces the old one only
/// once its content was read to the end (an exception midway leaves the previous version), and a read checks the
/// SHA-256 recorded at write time, throwing <see cref="ArtifactCorruptException"/> after the bytes. <see cref="Corrupt"/>
/// flips a byte of a stored version, as a damaged disk or row would. Buffers in memory, which only a test may.
/// </summary>
public sealed class MemoryArtifactStore(TimeProvider? clock = null) : IArtifactStore
{
    sealed record Version(byte[] Bytes, ArtifactInfo Info);

    readonly ConcurrentDictionary<(Guid Run, string Name), Version> _versions = new();
    readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Every (run, name) written, in order: which uploads happened.</summary>
    public ConcurrentQueue<(Guid Run, string Name)> Puts { get; } = new();
    /// <summary>Every (run, name) read with <see cref="CopyToAsync"/>, in order: which downloads happened.</summary>
    public ConcurrentQueue<(Guid Run, string Name)> Reads { get; } = new();
    /// <summary>Every (run, name) deleted, in order.</summary>
    public ConcurrentQueue<(Guid Run, string Name)> Deletes { get; } = new();

    public async Task<ArtifactInfo> PutAsync(Guid runId, string name, Stream content, CancellationToken ct)
    {
        ArtifactNames.Require(name);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        byte[] bytes = buffer.ToArray();
        var info = new ArtifactInfo(runId, name, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), _clock.GetUtcNow());
        _versions[(runId, name)] = new Version(bytes, info);
        Puts.Enqueue((runId, name));
        return info;
    }

    public async Task<ArtifactInfo?> CopyToAsync(Guid runId, string name, Stream destination, CancellationToken ct)
    {
        if (!_versions.TryGetValue((runId, name), out var version)) return null;
        Reads.Enqueue((runId, name));
        await destination.WriteAsync(version.Bytes, ct);
        string actual = Convert.ToHexStringLower(SHA256.HashData(version.Bytes));
        if (actual != version.Info.Sha256) throw new ArtifactCorruptException(runId, name, version.Info.Sha256, actual);
        return version.Info;
    }

    public Task<IReadOnlyList<ArtifactInfo>> ListAsync(Guid runId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ArtifactInfo>>(_versions.Values.Where(v => v.Info.RunId == runId).Select(v => v.Info)
            .OrderBy(i => i.Name, StringComparer.Ordinal).ToList());

    public Task<bool> DeleteAsync(Guid runId, string name, CancellationToken ct)
    {
        bool removed = _versions.TryRemove((runId, name), out _);
        if (removed) Deletes.Enqueue((runId, name));
        return Task.FromResult(removed);
    }

    public Task<int> DeleteRunAsync(Guid runId, CancellationToken ct)
    {
        int n = 0;
        foreach (var key in _versions.Keys.Where(k => k.Run == runId).ToList())
            if (_versions.TryRemove(key, out _)) { n++; Deletes.Enqueue(key); }
        return Task.FromResult(n);
    }

    public Task<IReadOnlyList<ArtifactRunUsage>> UsageAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ArtifactRunUsage>>(_versions.Values.GroupBy(v => v.Info.RunId)
            .Select(g => new ArtifactRunUsage(g.Key, g.Count(), g.Sum(v => v.Info.Length))).ToList());

    /// <summary>Flips one byte of the stored version of (run, name), keeping its recorded SHA-256.</summary>
    public void Corrupt(Guid runId, string name, int at = 0)
    {
        var version = _versions[(runId, name)];
        var bytes = (byte[])version.Bytes.Clone();
        bytes[at] ^= 0xFF;
        _versions[(runId, name)] = version with { Bytes = bytes };
    }

    /// <summary>Stores <paramref name="bytes"/> as (run, name).</summary>
    public Task<ArtifactInfo> PutAsync(Guid runId, string name, byte[] bytes) => PutAsync(runId, name, new MemoryStream(bytes), CancellationToken.None);

    /// <summary>The stored bytes (without a check).</summary>
    public byte[] Bytes(Guid runId, string name) => _versions[(runId, name)].Bytes;

    public IReadOnlyList<string> Names(Guid runId) =>
        _versions.Keys.Where(k => k.Run == runId).Select(k => k.Name).Order(StringComparer.Ordinal).ToList();

    /// <summary><see cref="RunArtifacts"/> over this store, with <paramref name="dataFolder"/> as the process's data folder.</summary>
    public RunArtifacts Artifacts(string dataFolder) =>
        new(new StorageOptions { DataFolder = dataFolder, Artifacts = ArtifactLocation.Database }, this, NullLogger<RunArtifacts>.Instance);

    /// <summary><see cref="RunArtifacts"/> without a store: run folders only (the embedded default).</summary>
    public static RunArtifacts RunFolders(string dataFolder) =>
        new(new StorageOptions { DataFolder = dataFolder }, null, NullLogger<RunArtifacts>.Instance);
}
