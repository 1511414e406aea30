using System.Text.Json;
using RobustLab.Training.Checkpoints;

namespace RobustLab.Training.Loop;

/// <summary>
/// What a run needs to continue after its process died: the last finished epoch, its schedule, its reports and the
/// files holding the model and optimizer after that epoch and the best weights so far. Model and optimizer files
/// carry the epoch in their names and state.json is replaced atomically last, so a crash at any point leaves a
/// consistent state (the previous epoch's).
/// </summary>
public sealed record ResumeState(
    int Epoch, PlateauSchedule Schedule, int BestEpoch, IReadOnlyList<EpochReport> Reports, TrainingOptions Options)
{
    public const string FileName = "state.json";

    public static string ModelFile(string dir, int epoch) => Path.Combine(dir, $"epoch-{epoch:D4}.model.dat");
    public static string OptimizerFile(string dir, int epoch) => Path.Combine(dir, $"epoch-{epoch:D4}.optimizer.dat");
    public static string BestFile(string dir, int epoch) => Path.Combine(dir, $"best-{epoch:D4}.model.dat");

    public static ResumeState? TryRead(string dir)
    {
        string path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<ResumeState>(File.ReadAllText(path), RunJson.Options)
                ?? throw new InvalidDataException("empty");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: the resume state is corrupt ({e.Message}); delete the folder to start the run afresh.", e);
        }
    }

    /// <summary>Replaces state.json atomically, then removes files of epochs it no longer points to.</summary>
    public void Write(string dir)
    {
        AtomicFile.WriteAllText(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, RunJson.Options));
        var keep = new HashSet<string>(StringComparer.Ordinal)
        {
            Path.GetFileName(ModelFile(dir, Epoch)), Path.GetFileName(OptimizerFile(dir, Epoch)),
            Path.GetFileName(BestFile(dir, BestEpoch)), FileName,
        };
        foreach (var file in Directory.EnumerateFiles(dir))
            if (!keep.Contains(Path.GetFileName(file))) File.Delete(file);
    }
}
