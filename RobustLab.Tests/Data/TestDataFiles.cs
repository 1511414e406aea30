using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace RobustLab.Tests.Data;

/// <summary>Writers for small, hand-made data files in the official formats.</summary>
internal static class TestDataFiles
{
    public static byte[] IdxImages(int count, int rows, int cols, Func<int, byte> pixel)
    {
        var bytes = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        for (int i = 0; i < count * rows * cols; i++) bytes[16 + i] = pixel(i);
        return bytes;
    }

    public static byte[] IdxLabels(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(data);
        return output.ToArray();
    }

    /// <summary>One CIFAR record: label byte(s), then red, green and blue planes filled with the given values.</summary>
    public static byte[] CifarRecord(byte[] labelBytes, byte red, byte green, byte blue)
    {
        var record = new byte[labelBytes.Length + 3072];
        labelBytes.CopyTo(record, 0);
        record.AsSpan(labelBytes.Length, 1024).Fill(red);
        record.AsSpan(labelBytes.Length + 1024, 1024).Fill(green);
        record.AsSpan(labelBytes.Length + 2048, 1024).Fill(blue);
        return record;
    }

    /// <summary>Writes src/digits/0.json .. 9.json where digit d has counts[d] images, every value of which is value(d, image).</summary>
    public static void MnistJsonPackage(string packageFolder, int[] counts, Func<int, int, float> value)
    {
        string digits = Path.Combine(packageFolder, "src", "digits");
        Directory.CreateDirectory(digits);
        for (int d = 0; d < counts.Length; d++)
        {
            var json = new StringBuilder("{ \"data\": [");
            for (int i = 0; i < counts[d] * 784; i++)
                json.Append(i == 0 ? "" : ",").Append(value(d, i / 784).ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(digits, $"{d}.json"), json.Append("]}").ToString());
        }
    }
}
