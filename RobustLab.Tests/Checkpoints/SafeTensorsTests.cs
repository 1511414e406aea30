using RobustLab.Tests.Loop;
using System.Buffers.Binary;
using System.Text;
using RobustLab.Tests.Data;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Runtime;
using static RobustLab.Tests.Checkpoints.CheckpointFixtures;
using static TorchSharp.torch;

namespace RobustLab.Tests.Checkpoints;

public class SafeTensorsTests
{
    public SafeTensorsTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void RoundTripKeepsValuesShapesOrderAndMetadata()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        string path = folder.File("t.safetensors");
        var a = tensor(new[] { 1f, -2.5f, float.Epsilon, float.MaxValue, float.NegativeInfinity, 1e-30f }, [2, 3]);
        var b = tensor(new[] { 0.1f, 0.2f, 0.3f, 0.4f }, [2, 1, 2]).permute(2, 0, 1); // not contiguous
        var c = tensor(new[] { 42f }, Array.Empty<long>());                           // a scalar
        var d = zeros(0, 5);                                                           // empty
        var metadata = new Dictionary<string, string> { ["model"] = "lenet", ["mean"] = "[0.286]", ["note"] = "ünïcode \"quoted\"" };

        SafeTensors.Write(path, [("zeta.weight", a), ("alpha", b), ("c", c), ("empty", d)], metadata);
        var (read, meta) = SafeTensors.Read(path);

        Assert.Equal(["zeta.weight", "alpha", "c", "empty"], read.Keys);
        Assert.True(Identical(a, read["zeta.weight"]));
        Assert.True(Identical(b, read["alpha"]));
        Assert.Equal([2L, 2, 1], read["alpha"].shape);
        Assert.True(Identical(c, read["c"]));
        Assert.Empty(read["c"].shape);
        Assert.Equal([0L, 5], read["empty"].shape);
        Assert.Equal(metadata, meta);

        // Header: 8-byte length, padded to a multiple of 8, data right after it in the order written.
        var bytes = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        Assert.Equal(8 + n + 4 * (6 + 4 + 1), bytes.Length);
        Assert.Equal(1f, BitConverter.ToSingle(bytes, (int)(8 + n)));
        Assert.Contains("\"zeta.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}", Encoding.UTF8.GetString(bytes, 8, (int)n));
    }

    [Fact]
    public void WriteRejectsOtherDtypes()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() =>
            SafeTensors.Write(folder.File("x.safetensors"), [("ints", ones(3, ScalarType.Int64))], new Dictionary<string, string>()));
        Assert.Contains("ints", e.Message);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    public static TheoryData<string, string> CorruptCases => new()
    {
        { "truncated", "outside the" },
        { "header-too-long", "runs past the end" },
        { "shorter-than-8", "too short" },
        { "offsets-out-of-range", "outside the" },
        { "offsets-do-not-match-shape", "needs 12 bytes" },
        { "overlapping", "overlaps" },
        { "bad-json", "does not parse" },
        { "unknown-dtype", "unknown dtype" },
        { "f16", "only F32" },
        { "metadata-not-string", "not a string" },
    };

    [Theory]
    [MemberData(nameof(CorruptCases))]
    public void CorruptFilesGiveErrorsNamingTheFile(string corruption, string expected)
    {
        using var folder = new TempFolder();
        string path = folder.File($"{corruption}.safetensors");
        byte[] data = new byte[16];
        File.WriteAllBytes(path, corruption switch
        {
            "truncated" => Valid(folder)[..^5],
            "header-too-long" => WithLength(Valid(folder), 1UL << 40),
            "shorter-than-8" => [1, 2, 3],
            "offsets-out-of-range" => Handmade("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}""", data),
            "offsets-do-not-match-shape" => Handmade("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}""", data),
            "overlapping" => Handmade("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", data),
            "bad-json" => Handmade("""{"a":{"dtype":"F32",""", data),
            "unknown-dtype" => Handmade("""{"a":{"dtype":"Q7","shape":[4],"data_offsets":[0,16]}}""", data),
            "f16" => Handmade("""{"a":{"dtype":"F16","shape":[8],"data_offsets":[0,16]}}""", data),
            "metadata-not-string" => Handmade("""{"__metadata__":{"classes":10}}""", data),
            _ => throw new ArgumentException(corruption),
        });

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        using var folder = new TempFolder();
        string path = folder.File("none.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => SafeTensors.Read(path));
        Assert.Contains(path, e.Message);
    }

    static byte[] Valid(TempFolder folder)
    {
        string path = folder.File("valid.safetensors");
        using (var scope = NewDisposeScope())
            SafeTensors.Write(path, [("w", arange(6f).reshape(2, 3)), ("b", ones(2))], new Dictionary<string, string> { ["k"] = "v" });
        return File.ReadAllBytes(path);
    }

    static byte[] WithLength(byte[] file, ulong length)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(file, length);
        return file;
    }

    static byte[] Handmade(string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)h.Length);
        h.CopyTo(file, 8);
        data.CopyTo(file, 8 + h.Length);
        return file;
    }
}
