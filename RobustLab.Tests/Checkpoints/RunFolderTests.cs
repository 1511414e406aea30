using RobustLab.Tests.Loop;
using RobustLab.Tests.Data;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Models;
using static RobustLab.Tests.Checkpoints.CheckpointFixtures;
using static TorchSharp.torch;

namespace RobustLab.Tests.Checkpoints;

public class RunFolderTests
{
    public static TheoryData<string> Architectures => new() { "lenet", "alexnet", "resnet20", "vgg11bn" };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ModelDatReproducesLogitsExactly(string architecture)
    {
        var spec = SpecOf(architecture);
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        using var original = Model(spec, seed: 1);
        RunFolder.Save(folder.Path, original, Record(spec));

        using var loaded = RunFolder.LoadModel(folder.Path);
        var images = Images(spec, 16, seed: 2);
        Assert.IsType(original.GetType(), loaded);
        Assert.Equal(spec.Input, loaded.Spec.Input);
        Assert.Equal(spec.Normalization.Mean, loaded.Spec.Normalization.Mean);
        Assert.True(Identical(Logits(original, images), Logits(loaded, images)), "logits differ after model.dat round trip");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void SafetensorsAloneReproducesLogitsExactly(string architecture)
    {
        var spec = SpecOf(architecture);
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        using var original = Model(spec, seed: 3);
        RunFolder.Save(folder.Path, original, Record(spec));
        // The file must suffice on its own: nothing else of the run folder is beside it.
        string alone = folder.File("alone.safetensors");
        File.Move(folder.File(RunFolder.SafetensorsFile), alone);
        File.Delete(folder.File(RunFolder.RunJsonFile));

        using var loaded = RunFolder.LoadFromSafetensors(alone);
        var images = Images(spec, 16, seed: 4);
        Assert.Equal(spec.Classes, loaded.Spec.Classes);
        Assert.Equal(spec.Normalization.Std, loaded.Spec.Normalization.Std);
        Assert.True(Identical(Logits(original, images), Logits(loaded, images)), "logits differ after safetensors round trip");
    }

    [Fact]
    public void SafetensorsHoldsPyTorchNamesLayoutsAndMetadata()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        using var model = Model(LeNetSpec, seed: 5);
        RunFolder.Save(folder.Path, model, Record(LeNetSpec));

        var (tensors, meta) = SafeTensors.Read(folder.File(RunFolder.SafetensorsFile));
        Assert.Equal(["conv1.bias", "conv1.weight", "conv2.bias", "conv2.weight", "fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"],
            tensors.Keys.Order());
        Assert.Equal([32L, 1, 5, 5], tensors["conv1.weight"].shape);
        Assert.Equal([1024L, 64 * 7 * 7], tensors["fc1.weight"].shape);
        Assert.Equal([10L, 1024], tensors["fc2.weight"].shape);
        Assert.Equal("robustlab-1", meta["format"]);
        Assert.Equal("lenet", meta["model"]);
        Assert.Equal("fashion-mnist", meta["dataset"]);
        Assert.Equal(("1", "28", "28", "10"), (meta["channels"], meta["height"], meta["width"], meta["classes"]));
        Assert.Equal("[0.2860406]", meta["mean"]);
        Assert.Equal("[0.3530242]", meta["std"]);
        Assert.Equal(("regularizer", "0.1", "0.25", "3"), (meta["method"], meta["sigma"], meta["alpha"], meta["copies"]));
    }

    [Fact]
    public void SafetensorsOfABatchNormModelHoldsTorchvisionNamesWithoutStepCounters()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        using var model = Model(ResNet20Spec, seed: 6);
        RunFolder.Save(folder.Path, model, Record(ResNet20Spec));

        var (tensors, meta) = SafeTensors.Read(folder.File(RunFolder.SafetensorsFile));
        var expected = model.state_dict().Keys.Where(k => !k.EndsWith(".num_batches_tracked")).Order();
        Assert.Equal(expected, tensors.Keys.Order());
        Assert.Equal([16L, 1, 3, 3], tensors["conv1.weight"].shape);
        Assert.Equal([32L], tensors["layer2.0.bn1.running_var"].shape);
        Assert.True(Identical(model.state_dict()["layer3.2.bn2.running_mean"], tensors["layer3.2.bn2.running_mean"]));
        Assert.Equal("resnet20", meta["model"]);
    }

    [Fact]
    public void RunJsonRoundTripsTheRecord()
    {
        using var folder = new TempFolder();
        var record = Record(LeNetSpec);
        RunFolder.WriteRunJson(folder.Path, record);
        var back = RunFolder.ReadRunJson(folder.Path);

        Assert.Equal(record.Config, back.Config);
        Assert.Equal(record.Protocol, back.Protocol);
        Assert.Equal(record.Epochs, back.Epochs);
        Assert.Equal(record.Metrics!.GnrCurve, back.Metrics!.GnrCurve);
        Assert.Equal(record.Metrics, back.Metrics with { GnrCurve = record.Metrics.GnrCurve });
        Assert.Equal(record.Model.Normalization.Mean, back.Model.Normalization.Mean);
        Assert.Equal(record.Model.Normalization.Std, back.Model.Normalization.Std);
        Assert.Equal(record.Model, back.Model with { Normalization = record.Model.Normalization });
        // Everything else (scalars, dates, stop reason) by record equality once the collections are shared.
        Assert.Equal(record, back with { Model = record.Model, Epochs = record.Epochs, Metrics = record.Metrics });

        string json = File.ReadAllText(folder.File(RunFolder.RunJsonFile));
        Assert.Contains("\"formatVersion\": 1", json);
        Assert.Contains("\"method\": \"regularizer\"", json);   // spelled as the CLI and API accept it
        Assert.Contains("\"trainLoss\": \"NaN\"", json);
        Assert.Equal(json, RunJson.Serialize(back));
    }

    [Fact]
    public void MissingOrCorruptRunFoldersSayWhatIsWrong()
    {
        using var folder = new TempFolder();
        string missing = folder.File("no-such-run");
        var noDir = Assert.Throws<DirectoryNotFoundException>(() => RunFolder.LoadModel(missing));
        Assert.Contains(missing, noDir.Message);
        Assert.Contains("model.dat", noDir.Message);

        var noJson = Assert.Throws<FileNotFoundException>(() => RunFolder.ReadRunJson(folder.Path));
        Assert.Contains(folder.File(RunFolder.RunJsonFile), noJson.Message);
        Assert.Contains("run.json", noJson.Message);

        RunFolder.WriteRunJson(folder.Path, Record(LeNetSpec));
        var noDat = Assert.Throws<FileNotFoundException>(() => RunFolder.LoadModel(folder.Path));
        Assert.Contains(folder.File(RunFolder.ModelDatFile), noDat.Message);

        File.WriteAllText(folder.File(RunFolder.RunJsonFile), "{\"formatVersion\": 1, \"config\": ");
        var corrupt = Assert.Throws<InvalidDataException>(() => RunFolder.ReadRunJson(folder.Path));
        Assert.Contains(folder.File(RunFolder.RunJsonFile), corrupt.Message);

        string noSafetensors = folder.File(RunFolder.SafetensorsFile);
        var noFile = Assert.Throws<FileNotFoundException>(() => RunFolder.LoadFromSafetensors(noSafetensors));
        Assert.Contains(noSafetensors, noFile.Message);
    }

    [Fact]
    public void SaveRejectsARecordForAnotherModel()
    {
        using var folder = new TempFolder();
        using var model = Model(LeNetSpec, seed: 6);
        var record = Record(LeNetSpec) with { Model = LeNetSpec with { Classes = 11 } };
        Assert.Throws<ArgumentException>(() => RunFolder.Save(folder.File("run"), model, record));
    }

    [Fact]
    public void SafetensorsForTheWrongNetworkIsRejected()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        using var model = Model(LeNetSpec, seed: 7);
        RunFolder.Save(folder.Path, model, Record(LeNetSpec));
        var (tensors, meta) = SafeTensors.Read(folder.File(RunFolder.SafetensorsFile));
        meta["classes"] = "12";
        string path = folder.File("wrong.safetensors");
        SafeTensors.Write(path, tensors.Select(kv => (kv.Key, kv.Value)).ToList(), meta);

        var e = Assert.Throws<InvalidDataException>(() => RunFolder.LoadFromSafetensors(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("fc2", e.Message);
    }
}
