using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace RobustLab.Web.Gallery;

/// <summary>
/// Encodes small images as PNG (8-bit greyscale or RGB, no interlacing, filter 0), for the dashboard's data URLs: a page
/// shows a corrupted test image without any asset or imaging package. Pixels are floats in [0, 1], channel-major
/// (C, H, W) as the data sets keep them.
/// </summary>
public static class Png
{
    static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    public static byte[] Encode(ReadOnlySpan<float> pixels, int channels, int height, int width)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "channels: PNG images here have 1 or 3 channels.");
        if (height < 1 || width < 1 || pixels.Length != channels * height * width)
            throw new ArgumentException($"pixels: {pixels.Length} values do not make a {channels}x{height}x{width} image.", nameof(pixels));

        // Scanlines: a filter byte (0, none) then the interleaved samples of the row.
        var raw = new byte[height * (1 + width * channels)];
        int plane = height * width;
        for (int y = 0, at = 0; y < height; y++)
        {
            raw[at++] = 0;
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    raw[at++] = (byte)Math.Round(Math.Clamp(pixels[c * plane + y * width + x], 0f, 1f) * 255f);
        }

        using var output = new MemoryStream();
        output.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;                              // bit depth
        header[9] = (byte)(channels == 1 ? 0 : 2);  // colour type: greyscale or RGB
        WriteChunk(output, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
            WriteChunk(output, "IDAT", compressed.ToArray());
        }
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>"data:image/png;base64,..." for an img src.</summary>
    public static string DataUrl(ReadOnlySpan<float> pixels, int channels, int height, int width) =>
        "data:image/png;base64," + Convert.ToBase64String(Encode(pixels, channels, height, width));

    static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeAndData = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typeAndData);
        data.CopyTo(typeAndData, 4);
        output.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        output.Write(word);
    }

    static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The CRC-32 of ISO 3309 that PNG chunks carry (the PNG specification's sample code).</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in bytes) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
