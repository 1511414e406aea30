using RobustLab.Tests.Loop;
using RobustLab.Training.Data;
using Xunit;
using static RobustLab.Tests.Data.TestDataFiles;

namespace RobustLab.Tests.Data;

public sealed class CifarBinaryReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string name, params byte[][] records)
    {
        string path = _temp.File(name);
        File.WriteAllBytes(path, records.SelectMany(r => r).ToArray());
        return path;
    }

    [Fact]
    public void Cifar10_records_become_red_green_blue_planes_with_their_labels()
    {
        string path = Write("data_batch_1.bin", CifarRecord([7], 10, 20, 30), CifarRecord([3], 255, 0, 51));

        var set = CifarBinaryReader.ReadFiles("cifar10", CifarVariant.Cifar10, [path]);

        Assert.Equal(new ImageShape(3, 32, 32), set.Shape);
        Assert.Equal(10, set.Classes);
        Assert.Equal(new[] { 7, 3 }, set.Labels);
        float[] PlaneOf(int image, int channel) => set.Pixels.AsSpan((image * 3 + channel) * 1024, 1024).ToArray();
        Assert.All(PlaneOf(0, 0), v => Assert.Equal(10 / 255f, v));
        Assert.All(PlaneOf(0, 1), v => Assert.Equal(20 / 255f, v));
        Assert.All(PlaneOf(0, 2), v => Assert.Equal(30 / 255f, v));
        Assert.All(PlaneOf(1, 0), v => Assert.Equal(1f, v));
        Assert.All(PlaneOf(1, 1), v => Assert.Equal(0f, v));
        Assert.All(PlaneOf(1, 2), v => Assert.Equal(51 / 255f, v));
    }

    [Fact]
    public void Cifar100_records_use_the_fine_label_not_the_coarse_one()
    {
        string path = Write("train.bin", CifarRecord([4, 72], 1, 2, 3), CifarRecord([19, 99], 4, 5, 6));

        var set = CifarBinaryReader.ReadFiles("cifar100", CifarVariant.Cifar100, [path]);

        Assert.Equal(100, set.Classes);
        Assert.Equal(new[] { 72, 99 }, set.Labels);
        Assert.Equal(1 / 255f, set.Pixels[0]);
        Assert.Equal(2 / 255f, set.Pixels[1024]);
        Assert.Equal(6 / 255f, set.Pixels[3072 + 2048]);
    }

    [Fact]
    public void Cifar_train_split_concatenates_the_five_batches_in_order()
    {
        for (int b = 1; b <= 5; b++) Write($"data_batch_{b}.bin", CifarRecord([(byte)b], 0, 0, 0));
        Write("test_batch.bin", CifarRecord([0], 0, 0, 0), CifarRecord([9], 0, 0, 0));

        var splits = CifarBinaryReader.Load("cifar10", _temp.Path, CifarVariant.Cifar10);

        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, splits.Train.Labels);
        Assert.Equal(new[] { 0, 9 }, splits.Test.Labels);
    }

    [Fact]
    public void Cifar_file_whose_length_is_not_a_whole_number_of_records_is_rejected_naming_it()
    {
        // A CIFAR-10 record read as CIFAR-100 is one byte short.
        string path = Write("test.bin", CifarRecord([1], 0, 0, 0));

        var e = Assert.Throws<DatasetFileException>(() => CifarBinaryReader.ReadFiles("c", CifarVariant.Cifar100, [path]));

        Assert.Contains(path, e.Message);
        Assert.Contains("not a multiple of the Cifar100 record size 3074", e.Message);
    }

    [Fact]
    public void Cifar10_label_out_of_range_is_rejected_naming_the_file()
    {
        string path = Write("test_batch.bin", CifarRecord([0], 0, 0, 0), CifarRecord([10], 0, 0, 0));

        var e = Assert.Throws<DatasetFileException>(() => CifarBinaryReader.ReadFiles("c", CifarVariant.Cifar10, [path]));

        Assert.Contains(path, e.Message);
        Assert.Contains("label 10 of record 1", e.Message);
    }
}
