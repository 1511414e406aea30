using RobustLab.Tests.Loop;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using RobustLab.Tests.Data;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Models;
using static RobustLab.Tests.Checkpoints.CheckpointFixtures;
using static TorchSharp.torch;

namespace RobustLab.Tests.Checkpoints;

/// <summary>
/// model.safetensors loads into real PyTorch (Debian's python3-torch at /usr/bin/python3, not a pyenv python) via
/// RobustLab.Tests/Python/load_safetensors.py and predicts what TorchSharp predicts.
/// </summary>
[Trait("Category", "Python")]
public class PyTorchSafetensorsTests
{
    const string Python = "/usr/bin/python3";
    const int ImageCount = 64;

    // resnet20 and vgg11bn: batch normalisation with running statistics; vgg11bn also pads 28x28 to 32x32.
    public static TheoryData<string> Architectures => new() { "lenet", "alexnet", "resnet20", "vgg11bn" };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void PyTorchPredictsWhatTorchSharpPredicts(string architecture)
    {
        RequirePyTorch();
        var spec = SpecOf(architecture);
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        using var model = Model(spec, seed: 11);
        RunFolder.Save(folder.Path, model, Record(spec));

        // Random-ish images: smooth ramps plus noise, like real pictures in [0, 1].
        var images = (Images(spec, ImageCount, seed: 12) * 0.5 +
                      linspace(0, 0.5, spec.Input.Width).reshape(1, 1, 1, -1)).clamp(0, 1).contiguous();
        string imagesPath = folder.File("images.f32");
        File.WriteAllBytes(imagesPath, MemoryMarshal.AsBytes(images.data<float>().ToArray().AsSpan()).ToArray());
        var expected = Logits(model, images);

        string output = Run(Script(), folder.File(RunFolder.SafetensorsFile), imagesPath,
            "--shape", $"{ImageCount},{spec.Input.Channels},{spec.Input.Height},{spec.Input.Width}");
        using var json = JsonDocument.Parse(output);
        var classes = json.RootElement.GetProperty("classes").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var logits = json.RootElement.GetProperty("logits").EnumerateArray()
            .SelectMany(row => row.EnumerateArray().Select(e => e.GetSingle())).ToArray();

        Assert.Equal(expected.argmax(1).data<long>().ToArray(), classes);
        var torchSharp = expected.data<float>().ToArray();
        Assert.Equal(torchSharp.Length, logits.Length);
        double worst = torchSharp.Zip(logits, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-4, $"PyTorch and TorchSharp logits differ by up to {worst:g3} (limit 1e-4).");
        // Freshly initialised logits are small (~0.1), so also bound the error relative to their size.
        double scale = torchSharp.Max(Math.Abs);
        Assert.True(worst <= 1e-4 * scale, $"PyTorch and TorchSharp logits differ by up to {worst:g3}, over 1e-4 of their largest, {scale:g3}.");
    }

    static void RequirePyTorch()
    {
        const string setup = "Install Debian's PyTorch for /usr/bin/python3 (run the CI setup script, or `sudo apt-get install -y python3-torch`); " +
                             "these checkpoint tests (Category=Python) need it and are not skipped.";
        if (!File.Exists(Python)) Assert.Fail($"{Python} does not exist. {setup}");
        try { Run("-c", "import torch"); }
        catch (Exception e) when (e is not OutOfMemoryException) { Assert.Fail($"{Python} cannot `import torch`. {setup}\n{e.Message}"); }
    }

    static string Script()
    {
        string path = Path.Combine(RepositoryRoot(), "RobustLab.Tests", "Python", "load_safetensors.py");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} not found.", path);
    }

    /// <summary>Runs /usr/bin/python3 with these arguments and returns its stdout; throws with stderr if it fails.</summary>
    static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        // One thread keeps PyTorch's float sums in a fixed order; the comparison tolerates the rest.
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Python} {string.Join(' ', arguments)} ran over 3 minutes.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Python} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}");
        return stdout;
    }
}
