namespace RobustLab.Training.Data;

/// <summary>Which of the two official CIFAR binary layouts a file uses.</summary>
public enum CifarVariant
{
    /// <summary>Records of 1 label byte + 3072 pixel bytes; 10 classes.</summary>
    Cifar10,
    /// <summary>Records of 2 label bytes (coarse of 20, fine of 100) + 3072 pixel bytes; the fine label is used.</summary>
    Cifar100,
}

/// <summary>
/// Reader for the "binary version" of CIFAR-10 / CIFAR-100 (https://www.cs.toronto.edu/~kriz/cifar.html).
/// Each record's pixels are the red plane, then green, then blue, each 32x32 row-major, which is already the
/// N, C, H, W order of <see cref="ImageSet"/>, so records are copied without reordering.
/// </summary>
public static class CifarBinaryReader
{
    public static readonly ImageShape Shape = new(3, 32, 32);

    public static readonly IReadOnlyList<string> Cifar10TrainFiles =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];
    public const string Cifar10TestFile = "test_batch.bin";
    public const string Cifar100TrainFile = "train.bin";
    public const string Cifar100TestFile = "test.bin";

    public static int Classes(CifarVariant variant) => variant == CifarVariant.Cifar10 ? 10 : 100;

    public static int LabelBytes(CifarVariant variant) => variant == CifarVariant.Cifar10 ? 1 : 2;

    public static int RecordSize(CifarVariant variant) => LabelBytes(variant) + Shape.Size;

    /// <summary>The official train and test splits from a cifar-10-batches-bin/ or cifar-100-binary/ folder.</summary>
    public static DataSplits Load(string name, string folder, CifarVariant variant)
    {
        IReadOnlyList<string> train = variant == CifarVariant.Cifar10 ? Cifar10TrainFiles : [Cifar100TrainFile];
        string test = variant == CifarVariant.Cifar10 ? Cifar10TestFile : Cifar100TestFile;
        return new DataSplits(
            ReadFiles(name, variant, train.Select(f => Path.Combine(folder, f)).ToArray()),
            ReadFiles(name, variant, [Path.Combine(folder, test)]));
    }

    /// <summary>All records of the given files, concatenated in order.</summary>
    public static ImageSet ReadFiles(string name, CifarVariant variant, IReadOnlyList<string> paths)
    {
        var files = paths.Select(DataFileBytes.Read).ToArray();
        int recordSize = RecordSize(variant);
        for (int f = 0; f < files.Length; f++)
        {
            if (files[f].Length == 0)
                throw new DatasetFileException(paths[f], "file is empty");
            if (files[f].Length % recordSize != 0)
                throw new DatasetFileException(paths[f],
                    $"length {files[f].Length} bytes is not a multiple of the {variant} record size {recordSize} " +
                    $"({files[f].Length / recordSize} whole records and {files[f].Length % recordSize} stray bytes)");
        }

        int count = files.Sum(b => b.Length / recordSize);
        var pixels = new float[(long)count * Shape.Size];
        var labels = new int[count];
        int n = 0;
        for (int f = 0; f < files.Length; f++)
        {
            var bytes = files[f].Span;
            for (int offset = 0; offset < bytes.Length; offset += recordSize, n++)
            {
                labels[n] = ReadLabel(paths[f], variant, bytes.Slice(offset), offset / recordSize);
                var record = bytes.Slice(offset + LabelBytes(variant), Shape.Size);
                var target = pixels.AsSpan(n * Shape.Size, Shape.Size);
                for (int i = 0; i < record.Length; i++)
                    target[i] = record[i] / 255f;
            }
        }
        return new ImageSet(name, Shape, Classes(variant), pixels, labels);
    }

    private static int ReadLabel(string path, CifarVariant variant, ReadOnlySpan<byte> record, int index)
    {
        if (variant == CifarVariant.Cifar10)
        {
            if (record[0] >= 10)
                throw new DatasetFileException(path, $"label {record[0]} of record {index} is outside 0..9");
            return record[0];
        }
        // CIFAR-100 stores the coarse (superclass) label first; checking it too helps catch files of the wrong layout.
        if (record[0] >= 20)
            throw new DatasetFileException(path, $"coarse label {record[0]} of record {index} is outside 0..19");
        if (record[1] >= 100)
            throw new DatasetFileException(path, $"fine label {record[1]} of record {index} is outside 0..99");
        return record[1];
    }
}
