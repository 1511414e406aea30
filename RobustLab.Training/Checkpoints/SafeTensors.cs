using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Checkpoints;

/// <summary>
/// The safetensors format (https://github.com/huggingface/safetensors), F32 only: an 8-byte little-endian header
/// length N, N bytes of JSON header (space-padded to a multiple of 8)
/// <c>{"__metadata__": {string: string}, "name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...}</c>,
/// then the raw little-endian tensor data, laid out contiguously in the order written, offsets relative to its start.
/// </summary>
public static class SafeTensors
{
    const string MetadataKey = "__metadata__";

    /// <summary>dtypes of the format that this reader recognises but does not load.</summary>
    static readonly HashSet<string> OtherDtypes =
        ["F64", "F16", "BF16", "F8_E4M3", "F8_E5M2", "I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL"];

    /// <summary>Writes float32 tensors (any device) and string metadata atomically to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        // The format is little-endian; Tensor.bytes is the host's order.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writing needs a little-endian host.");
        var names = new HashSet<string>();
        foreach (var (name, t) in tensors)
        {
            if (name == MetadataKey || !names.Add(name))
                throw new ArgumentException($"{path}: tensor name '{name}' is reserved or used twice.");
            if (t.dtype != ScalarType.Float32)
                throw new ArgumentException($"{path}: tensor '{name}' is {t.dtype}; only float32 (F32) is written.");
        }

        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            foreach (var (key, value) in metadata) json.WriteString(key, value);
            json.WriteEndObject();
            long offset = 0;
            foreach (var (name, t) in tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (long d in t.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += t.numel() * sizeof(float);
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            header.Position = 0;
            header.CopyTo(stream);
            foreach (var (_, t) in tensors)
            {
                using var scope = NewDisposeScope();
                // detach(): a new handle on the same storage, so disposing it leaves the caller's tensor alone.
                var cpu = t.detach().cpu().contiguous();
                if (cpu.numel() > 0) stream.Write(cpu.bytes);
            }
        });
    }

    /// <summary>
    /// Reads every tensor (as CPU float32, owned by the caller) and the metadata. Throws
    /// <see cref="InvalidDataException"/> naming the file and the problem when the file is not valid F32 safetensors.
    /// </summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors reading needs a little-endian host.");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: safetensors file not found.", path);
        using var stream = File.OpenRead(path);
        long fileLength = stream.Length;
        if (fileLength < 8) throw Invalid(path, $"{fileLength} bytes is too short for the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw Invalid(path, $"header length {headerLength} runs past the end of the file ({fileLength} bytes; truncated?)");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = 8 + (long)headerLength, bufferLength = fileLength - dataStart;

        var (entries, metadata) = ParseHeader(path, headerBytes, bufferLength);
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var e in entries)
            {
                var t = empty(e.Shape, ScalarType.Float32);
                tensors.Add(e.Name, t);
                if (e.End == e.Begin) continue;
                stream.Position = dataStart + e.Begin;
                stream.ReadExactly(t.bytes);
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return (tensors, metadata);
    }

    sealed record Entry(string Name, long[] Shape, long Begin, long End);

    static (List<Entry>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long bufferLength)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header); }
        catch (JsonException e) { throw Invalid(path, $"the JSON header does not parse ({e.Message})"); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Invalid(path, "the JSON header is not an object");

        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == MetadataKey)
            {
                if (p.Value.ValueKind != JsonValueKind.Object) throw Invalid(path, "__metadata__ is not an object");
                foreach (var m in p.Value.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String
                        ? m.Value.GetString()!
                        : throw Invalid(path, $"metadata value '{m.Name}' is not a string");
                continue;
            }
            entries.Add(ParseEntry(path, p, bufferLength));
        }

        // Tensors must not share bytes.
        long previousEnd = 0;
        string? previous = null;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < previousEnd) throw Invalid(path, $"tensor '{e.Name}' overlaps tensor '{previous}'");
            (previousEnd, previous) = (e.End, e.Name);
        }
        return (entries, metadata);
    }

    static Entry ParseEntry(string path, JsonProperty p, long bufferLength)
    {
        string name = p.Name;
        var v = p.Value;
        if (v.ValueKind != JsonValueKind.Object) throw Invalid(path, $"entry '{name}' is not an object");
        if (!v.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
            throw Invalid(path, $"tensor '{name}' has no dtype");
        string dt = dtype.GetString()!;
        if (dt != "F32")
            throw Invalid(path, OtherDtypes.Contains(dt)
                ? $"tensor '{name}' has dtype {dt}; only F32 is supported"
                : $"tensor '{name}' has unknown dtype '{dt}'");
        if (!v.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array)
            throw Invalid(path, $"tensor '{name}' has no shape array");
        var shape = new long[shapeJson.GetArrayLength()];
        int i = 0;
        foreach (var d in shapeJson.EnumerateArray())
            shape[i++] = d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out long n) && n >= 0
                ? n : throw Invalid(path, $"tensor '{name}' has a shape entry that is not a non-negative integer");
        if (!v.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array ||
            offsets.GetArrayLength() != 2 ||
            !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end))
            throw Invalid(path, $"tensor '{name}' needs data_offsets [begin, end] of integers");
        if (begin < 0 || end < begin || end > bufferLength)
            throw Invalid(path, $"tensor '{name}' has data_offsets [{begin}, {end}] outside the {bufferLength}-byte data buffer (truncated?)");
        long bytes;
        try { bytes = checked(shape.Aggregate(1L, (a, b) => a * b) * sizeof(float)); }
        catch (OverflowException) { throw Invalid(path, $"tensor '{name}' has an impossibly large shape"); }
        if (end - begin != bytes)
            throw Invalid(path, $"tensor '{name}' of shape [{string.Join(", ", shape)}] needs {bytes} bytes but data_offsets [{begin}, {end}] hold {end - begin}");
        if (bytes > int.MaxValue) throw Invalid(path, $"tensor '{name}' is over 2 GB, which this reader does not load");
        return new Entry(name, shape, begin, end);
    }

    static InvalidDataException Invalid(string path, string what) =>
        new($"{path}: not a valid safetensors file: {what}.");
}
