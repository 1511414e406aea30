using System.Text;
using RobustLab.Training.Models;
using static TorchSharp.torch;

namespace RobustLab.Training.Checkpoints;

/// <summary>
/// Saves and loads a run folder. Every file is replaced atomically (<see cref="AtomicFile"/>), so a crash never
/// leaves a half-written checkpoint. A run folder holds:
/// <list type="bullet">
/// <item><c>model.dat</c>: the weights in TorchSharp's own format (<c>Module.save</c>); reloaded by
/// <see cref="LoadModel"/> together with run.json's model description.</item>
/// <item><c>model.safetensors</c>: the same state dict as F32 safetensors in PyTorch layouts (conv weights
/// (out, in, kh, kw), linear weights (out, in)). LeNet: conv1, conv2, fc1, fc2; AlexNet: conv1..conv5, fc1..fc3;
/// each as <c>.weight</c> and <c>.bias</c>. ResNet-20 and VGG-11-BN use torchvision's names (conv1, bn1,
/// layer1.0.conv1, ..., fc; features.0, features.1, ..., classifier), BN layers as <c>.weight</c>, <c>.bias</c>,
/// <c>.running_mean</c> and <c>.running_var</c>. BN's int64 step counter <c>num_batches_tracked</c> is left out
/// (it is not a weight, and PyTorch's BatchNorm fills in 0 when it is missing). The normalisation is not a tensor: it lives in <c>__metadata__</c> with
/// format ("robustlab-1"), model, dataset, channels, height, width, classes, mean and std (JSON arrays such as
/// "[0.286]"), method, sigma, alpha and copies, so the file alone rebuilds the network
/// (<see cref="LoadFromSafetensors"/>, or RobustLab.Tests/Python/load_safetensors.py in PyTorch).</item>
/// <item><c>run.json</c>: the <see cref="RunRecord"/> (configuration, protocol, model description, epochs, metrics),
/// written with <see cref="RunJson.Options"/>; rewritten after every epoch by <see cref="WriteRunJson"/>.</item>
/// </list>
/// </summary>
public static class RunFolder
{
    public const string ModelDatFile = "model.dat";
    public const string SafetensorsFile = "model.safetensors";
    public const string RunJsonFile = "run.json";

    const string Layout = "A run folder holds model.dat (TorchSharp weights), model.safetensors (the same weights with " +
                          "their model description) and run.json (the run record); RobustLab writes all three when a run finishes.";

    /// <summary>Writes model.dat, model.safetensors and run.json into <paramref name="dir"/>, creating it.</summary>
    public static void Save(string dir, SplitNetwork model, RunRecord record)
    {
        if (!SameSpec(model.Spec, record.Model))
            throw new ArgumentException($"{dir}: the run record describes {Describe(record.Model)} but the model is {Describe(model.Spec)}.");
        Directory.CreateDirectory(dir);

        AtomicFile.Write(Path.Combine(dir, ModelDatFile), stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            model.save(writer);
            writer.Flush();
        });

        var stateDict = model.state_dict();
        SafeTensors.Write(Path.Combine(dir, SafetensorsFile),
            stateDict.Where(kv => !IsStepCounter(kv.Key)).Select(kv => (kv.Key, kv.Value)).ToList(),
            CheckpointMetadata.From(model.Spec, record.Config));

        WriteRunJson(dir, record);
    }

    /// <summary>Rewrites run.json alone (after each epoch), creating the folder if needed.</summary>
    public static void WriteRunJson(string dir, RunRecord record)
    {
        Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(Path.Combine(dir, RunJsonFile), RunJson.Serialize(record));
    }

    public static RunRecord ReadRunJson(string dir)
    {
        string path = RequireFile(dir, RunJsonFile);
        return RunJson.Deserialize(File.ReadAllText(path), path);
    }

    /// <summary>The network described by run.json with the weights of model.dat, in eval mode on the CPU.</summary>
    public static SplitNetwork LoadModel(string dir)
    {
        var record = ReadRunJson(dir);
        string path = RequireFile(dir, ModelDatFile);
        var model = Create(record.Model, Path.Combine(dir, RunJsonFile));
        try
        {
            model.load(path, strict: true);
        }
        catch (Exception e)
        {
            model.Dispose();
            throw new InvalidDataException($"{path}: cannot load these weights into {Describe(record.Model)} from run.json ({e.Message}).", e);
        }
        model.eval();
        return model;
    }

    /// <summary>The network described by a model.safetensors file's metadata with its weights, in eval mode on the CPU.</summary>
    public static SplitNetwork LoadFromSafetensors(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: model.safetensors not found. {Layout}", path);
        var (tensors, metadata) = SafeTensors.Read(path);
        try
        {
            var spec = CheckpointMetadata.ToSpec(metadata, path);
            var model = Create(spec, path);
            try
            {
                var expected = model.state_dict().Where(kv => !IsStepCounter(kv.Key)).ToDictionary();
                var missing = expected.Keys.Except(tensors.Keys).ToList();
                var unexpected = tensors.Keys.Except(expected.Keys).ToList();
                if (missing.Count > 0 || unexpected.Count > 0)
                    throw new InvalidDataException($"{path}: tensors do not match {Describe(spec)}: " +
                                                   $"missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}].");
                // copy_ would broadcast a wrongly shaped tensor silently, so compare shapes first.
                foreach (var (name, target) in expected)
                    if (!target.shape.SequenceEqual(tensors[name].shape))
                        throw new InvalidDataException($"{path}: tensor '{name}' has shape [{string.Join(", ", tensors[name].shape)}], " +
                                                       $"{Describe(spec)} needs [{string.Join(", ", target.shape)}].");
                // Names were checked above; not strict only so that BN's step counters keep their initial value.
                model.load_state_dict(tensors, strict: false);
            }
            catch
            {
                model.Dispose();
                throw;
            }
            model.eval();
            return model;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>BN's num_batches_tracked: an int64 count of training steps, not exported (see the class summary).</summary>
    static bool IsStepCounter(string name) => name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);

    static SplitNetwork Create(ModelSpec spec, string source)
    {
        try { return ModelFactory.Create(spec); }
        catch (ArgumentException e) { throw new InvalidDataException($"{source}: cannot build the model it describes: {e.Message}", e); }
    }

    static string RequireFile(string dir, string name)
    {
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"Run folder {dir} does not exist. {Layout}");
        string path = Path.Combine(dir, name);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} not found: {dir} is not a complete run folder. {Layout}", path);
        return path;
    }

    static bool SameSpec(ModelSpec a, ModelSpec b) =>
        string.Equals(a.Architecture, b.Architecture, StringComparison.OrdinalIgnoreCase) && a.Input == b.Input &&
        a.Classes == b.Classes && a.Normalization.Mean.SequenceEqual(b.Normalization.Mean) &&
        a.Normalization.Std.SequenceEqual(b.Normalization.Std);

    static string Describe(ModelSpec s) => $"{s.Architecture} for {s.Input} inputs and {s.Classes} classes";
}
