using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using RobustLab.Web.Gallery;

namespace RobustLab.Tests.Dashboard.Gallery;

/// <summary>The PNG encoder of the corruption gallery: chunk checksums and the pixels, read back by inflating the image data.</summary>
public sealed class PngTests
{
    [Fact]
    public void Crc32_matches_the_standard_check_value() =>
        Assert.Equal(0xCBF43926u, Png.Crc32(Encoding.ASCII.GetBytes("123456789")));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void An_image_round_trips_through_its_chunks(int channels)
    {
        const int height = 3, width = 4;
        var pixels = Enumerable.Range(0, channels * height * width).Select(i => i / (float)(channels * height * width - 1)).ToArray();
        pixels[0] = -0.5f; // clipped to 0
        pixels[^1] = 2f;   // clipped to 1

        byte[] png = Png.Encode(pixels, channels, height, width);

        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, png[..8]);
        var chunks = Chunks(png);
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        var header = chunks[0].Data;
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(header));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)));
        Assert.Equal(8, header[8]);
        Assert.Equal(channels == 1 ? 0 : 2, header[9]);

        using var inflater = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflater.CopyTo(raw);
        byte[] scanlines = raw.ToArray();
        Assert.Equal(height * (1 + width * channels), scanlines.Length);
        int plane = height * width;
        for (int y = 0; y < height; y++)
        {
            Assert.Equal(0, scanlines[y * (1 + width * channels)]); // filter: none
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                {
                    float expected = Math.Clamp(pixels[c * plane + y * width + x], 0, 1) * 255;
                    Assert.Equal(Math.Round(expected), scanlines[y * (1 + width * channels) + 1 + x * channels + c]);
                }
        }
    }

    [Fact]
    public void A_wrong_pixel_count_names_the_field()
    {
        var e = Assert.Throws<ArgumentException>(() => Png.Encode(new float[5], 1, 2, 2));
        Assert.StartsWith("pixels:", e.Message);
    }

    /// <summary>Each chunk's type and data; asserts its CRC over type and data.</summary>
    static List<(string Type, byte[] Data)> Chunks(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            byte[] data = png.AsSpan(at + 8, length).ToArray();
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.Equal(Png.Crc32(png.AsSpan(at + 4, 4 + length)), crc);
            chunks.Add((type, data));
            at += 12 + length;
        }
        return chunks;
    }
}
