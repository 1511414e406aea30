namespace RobustLab.Training.Data;

/// <summary>
/// A data file exists but cannot be used (bad header, wrong length, labels out of range...).
/// The message always starts with the full path so a user knows which download to redo.
/// (InvalidDataException would fit but is sealed.)
/// </summary>
public sealed class DatasetFileException : Exception
{
    public DatasetFileException(string path, string problem, Exception? inner = null)
        : base($"{Path.GetFullPath(path)}: {problem}", inner)
    {
        FilePath = Path.GetFullPath(path);
    }

    public string FilePath { get; }
}

/// <summary>A data set name the catalogue does not know.</summary>
public sealed class UnknownDatasetException : ArgumentException
{
    public UnknownDatasetException(string name, IEnumerable<string> known)
        : base($"Unknown data set '{name}'. Known data sets: {string.Join(", ", known)}.")
    {
        Name = name;
    }

    public string Name { get; }
}

/// <summary>A known data set whose files are not on this machine; the message says how to get them.</summary>
public sealed class DatasetNotFoundException : FileNotFoundException
{
    public DatasetNotFoundException(string dataset, string missingPath, string howToGet)
        : base($"Data set '{dataset}' is not available: {missingPath} is missing. To get it: {howToGet}", missingPath)
    {
        Dataset = dataset;
        HowToGet = howToGet;
    }

    public string Dataset { get; }
    public string HowToGet { get; }
}
