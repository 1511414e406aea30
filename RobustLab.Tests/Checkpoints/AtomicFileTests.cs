using RobustLab.Tests.Loop;
using RobustLab.Tests.Data;
using RobustLab.Training.Checkpoints;
using static RobustLab.Tests.Checkpoints.CheckpointFixtures;

namespace RobustLab.Tests.Checkpoints;

public class AtomicFileTests
{
    [Fact]
    public void SavingARunLeavesOnlyTheThreeFiles()
    {
        using var folder = new TempFolder();
        string run = folder.File("nested", "run");
        using var model = Model(LeNetSpec, seed: 8);
        var record = Record(LeNetSpec);
        RunFolder.Save(run, model, record);
        for (int epoch = 0; epoch < 3; epoch++) RunFolder.WriteRunJson(run, record with { BestEpoch = epoch });
        RunFolder.Save(run, model, record); // overwriting works too

        Assert.Equal([RunFolder.ModelDatFile, RunFolder.SafetensorsFile, RunFolder.RunJsonFile],
            Directory.GetFiles(run).Select(Path.GetFileName).Order().ToArray()!);
    }

    [Fact]
    public void AFailedWriteKeepsTheOldFileAndLeavesNoTempFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("x.json");
        AtomicFile.WriteAllText(path, "old");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("partial"u8);
            throw new IOException("disk full");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }
}
