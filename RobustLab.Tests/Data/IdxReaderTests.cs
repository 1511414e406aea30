using RobustLab.Tests.Loop;
using RobustLab.Training.Data;
using Xunit;
using static RobustLab.Tests.Data.TestDataFiles;

namespace RobustLab.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string name, byte[] bytes)
    {
        string path = _temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // Three 2x3 images whose pixel i is i * 10 (0..170), labels 2, 0, 9.
    private static byte[] SmallImages => IdxImages(3, 2, 3, i => (byte)(i * 10));
    private static byte[] SmallLabels => IdxLabels(2, 0, 9);

    [Fact]
    public void Plain_idx_files_round_trip_with_exact_pixel_values_and_labels()
    {
        var set = IdxReader.Read("t", Write("img", SmallImages), Write("lab", SmallLabels), classes: 10);

        Assert.Equal(new ImageShape(1, 2, 3), set.Shape);
        Assert.Equal(3, set.Count);
        Assert.Equal(10, set.Classes);
        Assert.Equal("t", set.Name);
        Assert.Equal(Enumerable.Range(0, 18).Select(i => i * 10 / 255f), set.Pixels);
        Assert.Equal(new[] { 2, 0, 9 }, set.Labels);
    }

    [Fact]
    public void Gzipped_idx_files_are_recognised_by_their_header_not_their_extension()
    {
        // Gzipped content under a plain name, and plain content under a .gz name: both must read the same.
        var set = IdxReader.Read("t", Write("img", Gzip(SmallImages)), Write("lab.gz", SmallLabels), classes: 10);

        Assert.Equal(Enumerable.Range(0, 18).Select(i => i * 10 / 255f), set.Pixels);
        Assert.Equal(new[] { 2, 0, 9 }, set.Labels);
    }

    [Fact]
    public void Truncated_idx_image_file_names_the_file_and_the_missing_bytes()
    {
        string path = Write("train-images-idx3-ubyte.gz", Gzip(SmallImages[..^5]));

        var e = Assert.Throws<DatasetFileException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith(path + ": file is truncated", e.Message);
        Assert.Contains("3 images of 2x3 (18 bytes) but only 13 bytes follow", e.Message);
    }

    [Fact]
    public void Cut_off_gzip_download_is_rejected_naming_the_file()
    {
        byte[] gz = Gzip(IdxImages(50, 28, 28, i => (byte)(i * 7)));
        string path = Write("train-images-idx3-ubyte.gz", gz[..(gz.Length / 2)]);

        var e = Assert.Throws<DatasetFileException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith(path + ": ", e.Message);
    }

    [Fact]
    public void Idx_file_with_trailing_bytes_is_rejected_naming_the_file()
    {
        string path = Write("labels", [.. SmallLabels, 0, 0]);

        var e = Assert.Throws<DatasetFileException>(() => IdxReader.ReadLabels(path, 10));

        Assert.Contains(path, e.Message);
        Assert.Contains("2 unexpected trailing bytes", e.Message);
    }

    [Fact]
    public void Wrong_magic_number_is_rejected_naming_the_file()
    {
        // A label file given where images are expected.
        string path = Write("images", SmallLabels);

        var e = Assert.Throws<DatasetFileException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("wrong magic number 0x00000801", e.Message);
    }

    [Fact]
    public void File_shorter_than_the_idx_header_is_rejected_naming_the_file()
    {
        string path = Write("images", SmallImages[..10]);

        var e = Assert.Throws<DatasetFileException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("too short", e.Message);
    }

    [Fact]
    public void Label_out_of_range_is_rejected_naming_the_file_and_the_label()
    {
        string path = Write("labels", IdxLabels(1, 10, 3));

        var e = Assert.Throws<DatasetFileException>(() => IdxReader.ReadLabels(path, classes: 10));

        Assert.Contains(path, e.Message);
        Assert.Contains("label 10 of item 1 is outside 0..9", e.Message);
    }

    [Fact]
    public void Image_and_label_count_mismatch_names_both_files()
    {
        string images = Write("images", SmallImages), labels = Write("labels", IdxLabels(1, 2));

        var e = Assert.Throws<DatasetFileException>(() => IdxReader.Read("t", images, labels, 10));

        Assert.Contains(images, e.Message);
        Assert.Contains(labels, e.Message);
        Assert.Contains("2 labels", e.Message);
        Assert.Contains("3 images", e.Message);
    }

    [Fact]
    public void Missing_idx_file_is_reported_with_its_path()
    {
        string path = _temp.File("nope");

        var e = Assert.Throws<DatasetFileException>(() => IdxReader.ReadLabels(path, 10));

        Assert.Contains(path, e.Message);
    }
}
