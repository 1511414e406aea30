using System.Buffers.Binary;

namespace RobustLab.Training.Data;

/// <summary>Images from an IDX file: <see cref="Pixels"/> holds Count x Rows x Cols values in [0, 1].</summary>
public sealed record IdxImages(int Count, int Rows, int Cols, float[] Pixels);

/// <summary>
/// Reader for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian header
/// (magic, then one int32 per dimension) followed by unsigned bytes. Plain and gzipped files are both accepted.
/// Files are checked strictly (exact payload length, label range) so a bad download fails loudly, naming the file.
/// </summary>
public static class IdxReader
{
    public const int ImageMagic = 0x00000803; // ubyte, 3 dimensions (N, rows, cols)
    public const int LabelMagic = 0x00000801; // ubyte, 1 dimension (N)

    /// <summary>Reads an images file and its labels file into a one-channel <see cref="ImageSet"/>.</summary>
    public static ImageSet Read(string name, string imagesPath, string labelsPath, int classes)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath, classes);
        if (images.Count != labels.Length)
            throw new DatasetFileException(labelsPath,
                $"holds {labels.Length} labels but {Path.GetFullPath(imagesPath)} holds {images.Count} images");
        return new ImageSet(name, new ImageShape(1, images.Rows, images.Cols), classes, images.Pixels, labels);
    }

    public static IdxImages ReadImages(string path)
    {
        var bytes = DataFileBytes.Read(path).Span;
        var dims = ReadHeader(path, bytes, ImageMagic, "image", 3);
        int count = dims[0], rows = dims[1], cols = dims[2];
        long expected = (long)count * rows * cols;
        CheckPayload(path, bytes.Length - 16, expected, $"{count} images of {rows}x{cols}");

        var payload = bytes.Slice(16);
        var pixels = new float[expected];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = payload[i] / 255f;
        return new IdxImages(count, rows, cols, pixels);
    }

    public static int[] ReadLabels(string path, int classes)
    {
        var bytes = DataFileBytes.Read(path).Span;
        int count = ReadHeader(path, bytes, LabelMagic, "label", 1)[0];
        CheckPayload(path, bytes.Length - 8, count, $"{count} labels");

        var payload = bytes.Slice(8);
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (payload[i] >= classes)
                throw new DatasetFileException(path, $"label {payload[i]} of item {i} is outside 0..{classes - 1}");
            labels[i] = payload[i];
        }
        return labels;
    }

    private static int[] ReadHeader(string path, ReadOnlySpan<byte> bytes, int magic, string kind, int rank)
    {
        // The magic is checked before the full header length so that a swapped label/image file is reported as such.
        int headerLength = 4 + 4 * rank;
        if (bytes.Length < 4)
            throw new DatasetFileException(path,
                $"file is too short for an IDX {kind} header: {bytes.Length} bytes, need {headerLength}");
        int actual = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (actual != magic)
        {
            string hint = actual switch
            {
                ImageMagic => " (this is an image file)",
                LabelMagic => " (this is a label file)",
                _ => "",
            };
            throw new DatasetFileException(path,
                $"wrong magic number 0x{actual:x8}, expected 0x{magic:x8} for an IDX {kind} file{hint}");
        }
        if (bytes.Length < headerLength)
            throw new DatasetFileException(path,
                $"file is too short for an IDX {kind} header: {bytes.Length} bytes, need {headerLength}");
        var dims = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.Slice(4 + 4 * d));
            if (dims[d] < 0)
                throw new DatasetFileException(path, $"dimension {d} of the header is negative ({dims[d]})");
        }
        return dims;
    }

    private static void CheckPayload(string path, long actual, long expected, string promise)
    {
        if (actual < expected)
            throw new DatasetFileException(path,
                $"file is truncated: header promises {promise} ({expected} bytes) but only {actual} bytes follow");
        if (actual > expected)
            throw new DatasetFileException(path,
                $"file has {actual - expected} unexpected trailing bytes: header promises {promise} ({expected} bytes) but {actual} bytes follow");
    }
}
