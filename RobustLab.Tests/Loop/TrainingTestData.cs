using RobustLab.Training.Data;

namespace RobustLab.Tests.Loop;

/// <summary>The real Fashion-MNIST (installed by scripts/setup.sh), loaded once for all training tests.</summary>
public static class TrainingTestData
{
    static readonly Lazy<DataSplits> FashionMnist = new(() =>
    {
        var catalog = new DatasetCatalog(new DataLocations());
        return catalog.Load("fashion-mnist");
    });

    public static DataSplits Fashion => FashionMnist.Value;

    public static DatasetCatalog Catalog() => new(new DataLocations());
}
