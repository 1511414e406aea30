using RobustLab.Tests.Loop;
using RobustLab.Training.Data;
using Xunit;
using static RobustLab.Tests.Data.TestDataFiles;

namespace RobustLab.Tests.Data;

public sealed class Mnist10kJsonReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // Image j of digit d has every value (d * 10 + j) / 1000, so each image says where it came from.
    private static float Value(int digit, int image) => (digit * 10 + image) / 1000f;

    [Fact]
    public void Each_digit_file_splits_85_15_and_splits_are_ordered_by_digit()
    {
        int[] counts = [20, 7, 1, 10, 3, 4, 5, 6, 8, 9];
        MnistJsonPackage(_temp.Path, counts, Value);

        var (train, test) = Mnist10kJsonReader.Load(_temp.Path);

        int[] trainCounts = counts.Select(k => k * 85 / 100).ToArray(); // 17, 5, 0, 8, 2, 3, 4, 5, 6, 7
        Assert.Equal(new[] { 17, 5, 0, 8, 2, 3, 4, 5, 6, 7 }, trainCounts);
        Assert.Equal(trainCounts.Sum(), train.Count);
        Assert.Equal(counts.Sum() - trainCounts.Sum(), test.Count);
        Assert.Equal(new ImageShape(1, 28, 28), train.Shape);
        Assert.Equal(10, train.Classes);
        Assert.Equal("mnist10k", train.Name);
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(d => Enumerable.Repeat(d, trainCounts[d])), train.Labels);
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(d => Enumerable.Repeat(d, counts[d] - trainCounts[d])), test.Labels);

        // First train image is digit 0's image 0; first test image is digit 0's image 17; test image 3 is digit 1's image 5.
        Assert.All(train.Pixels.AsSpan(0, 784).ToArray(), v => Assert.Equal(Value(0, 0), v));
        Assert.All(test.Pixels.AsSpan(0, 784).ToArray(), v => Assert.Equal(Value(0, 17), v));
        Assert.All(test.Pixels.AsSpan(3 * 784, 784).ToArray(), v => Assert.Equal(Value(1, 5), v));
    }

    [Fact]
    public void Missing_digit_file_is_named_in_the_error()
    {
        MnistJsonPackage(_temp.Path, Enumerable.Repeat(2, 10).ToArray(), Value);
        string missing = _temp.File("src", "digits", "7.json");
        File.Delete(missing);

        var e = Assert.Throws<DatasetFileException>(() => Mnist10kJsonReader.Load(_temp.Path));

        Assert.Contains(missing, e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Digit_file_whose_length_is_not_whole_images_is_rejected_naming_it()
    {
        string path = _temp.File("3.json");
        File.WriteAllText(path, "{\"data\": [" + string.Join(",", Enumerable.Repeat("0.5", 785)) + "]}");

        var e = Assert.Throws<DatasetFileException>(() => Mnist10kJsonReader.ReadDigitFile(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("785 values", e.Message);
    }

    [Fact]
    public void Digit_value_outside_0_1_is_rejected_naming_the_file()
    {
        string path = _temp.File("3.json");
        File.WriteAllText(path, "{\"data\": [" + string.Join(",", Enumerable.Repeat("0.5", 783)) + ",1.5]}");

        var e = Assert.Throws<DatasetFileException>(() => Mnist10kJsonReader.ReadDigitFile(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("value 783", e.Message);
    }

    [Fact]
    public void Malformed_digit_json_is_rejected_naming_the_file()
    {
        string path = _temp.File("3.json");
        File.WriteAllText(path, "{\"data\": [0.5, 0.5");

        var e = Assert.Throws<DatasetFileException>(() => Mnist10kJsonReader.ReadDigitFile(path));

        Assert.Contains(path, e.Message);
    }
}
