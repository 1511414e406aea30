using System.Buffers.Binary;
using System.IO.Compression;

namespace RobustLab.Training.Data;

/// <summary>
/// Reads a whole data file into memory, transparently un-gzipping it. Gzip is recognised by its 1f 8b header rather
/// than the extension, because mirrors and browsers often decompress files without renaming them (or the reverse).
/// </summary>
internal static class DataFileBytes
{
    public static ReadOnlyMemory<byte> Read(string path)
    {
        if (!File.Exists(path))
            throw new DatasetFileException(path, "file does not exist");
        byte[] raw = File.ReadAllBytes(path);
        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b)
            return raw;

        // The gzip trailer holds the uncompressed size mod 2^32: a capacity hint that avoids regrowing the buffer.
        // It is capped at 16x the compressed size because a cut-off download ends in arbitrary bytes.
        long trailer = raw.Length >= 18 ? BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 4)) : 0;
        int hint = (int)Math.Min(trailer, Math.Min(16L * raw.Length, Array.MaxLength));
        var output = new MemoryStream(Math.Max(hint, raw.Length));
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            gzip.CopyTo(output);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFileException(path, $"gzip data is corrupt or truncated ({e.Message})", e);
        }
        return new ReadOnlyMemory<byte>(output.GetBuffer(), 0, (int)output.Length);
    }
}
