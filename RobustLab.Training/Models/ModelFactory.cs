using RobustLab.Training.Data;
using RobustLab.Training.Runtime;

namespace RobustLab.Training.Models;

/// <summary>
/// The architectures by name ("lenet", "alexnet", "resnet20", "vgg11bn"): how each is built, which input shapes it
/// takes and how it pads them. The models' constructors, the run pipeline, the CLI, the API and the dashboard form
/// all ask <see cref="InputProblem"/> and <see cref="Architectures"/>, so the rule lives here once.
/// </summary>
public static class ModelFactory
{
    /// <param name="SideDivisor">The padded side must be a multiple of it (the network's total downsampling).</param>
    /// <param name="PadsUp">Whether a square side that is not a multiple is padded up to the next one with black pixels.</param>
    sealed record Architecture(string DisplayName, int SideDivisor, bool PadsUp, Func<ModelSpec, SplitNetwork> Create);

    // docs/method.md, section "Architectures": LeNet halves the side twice (two 2x2 pools), AlexNet 32-fold (stride 4,
    // then three pools), VGG-11 32-fold (five pools), the CIFAR ResNet 4-fold (two stride-2 stages; a global average
    // pool makes it fit any multiple of 4). The paper's LeNet keeps its exact rule; the others pad (28x28 -> 32x32).
    static readonly Dictionary<string, Architecture> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lenet"] = new("LeNet", 4, false, spec => new LeNet(spec)),
        ["alexnet"] = new("AlexNet", 32, true, spec => new AlexNet(spec)),
        ["resnet20"] = new("ResNet-20", 4, true, spec => new ResNet20(spec)),
        ["vgg11bn"] = new("VGG-11-BN", 32, true, spec => new Vgg11Bn(spec)),
    };

    public static IReadOnlyList<string> Architectures { get; } = ["lenet", "alexnet", "resnet20", "vgg11bn"];

    public static bool IsKnown(string architecture) => Known.ContainsKey(architecture);

    /// <summary>Why <paramref name="architecture"/> cannot take images of <paramref name="shape"/>, or null when it can.</summary>
    public static string? InputProblem(string architecture, ImageShape shape)
    {
        if (!Known.TryGetValue(architecture, out var a)) return UnknownMessage(architecture);
        if (a.PadsUp)
            return shape.Height == shape.Width ? null
                : $"{a.DisplayName} needs square images (it pads their side up to a multiple of {a.SideDivisor}); this data set has {shape.Height}x{shape.Width}.";
        return shape.Height == shape.Width && shape.Height % a.SideDivisor == 0 ? null
            : $"{a.DisplayName} needs square images whose side is divisible by {a.SideDivisor}; this data set has {shape.Height}x{shape.Width}.";
    }

    /// <summary>Which images a model takes, in words for the form's help ("VGG-11-BN: square, padded to a multiple of 32").</summary>
    public static string InputRule(string architecture)
    {
        if (!Known.TryGetValue(architecture, out var a)) return UnknownMessage(architecture);
        return a.PadsUp ? $"{a.DisplayName}: square, padded to a multiple of {a.SideDivisor}"
            : $"{a.DisplayName}: square, side divisible by {a.SideDivisor}";
    }

    /// <summary>Black pixels the model adds before and after each side of its input (0, 0 when it needs none).</summary>
    public static (int Before, int After) Padding(ModelSpec spec)
    {
        EnsureFits(spec);
        var a = Known[spec.Architecture];
        int side = spec.Input.Height, total = (a.SideDivisor - side % a.SideDivisor) % a.SideDivisor;
        return (total / 2, total - total / 2);
    }

    /// <summary>The input shape the network's layers see after padding.</summary>
    public static ImageShape PaddedInput(ModelSpec spec)
    {
        var (before, after) = Padding(spec);
        return spec.Input with { Height = spec.Input.Height + before + after, Width = spec.Input.Width + before + after };
    }

    /// <summary>The model description of a run: "AlexNet, 1x28x28 inputs padded to 1x32x32, 10 classes".</summary>
    public static string Describe(ModelSpec spec)
    {
        string name = Known.TryGetValue(spec.Architecture, out var a) ? a.DisplayName : spec.Architecture;
        if (InputProblem(spec.Architecture, spec.Input) is not null) return $"{name}, {spec.Input} inputs, {spec.Classes} classes";
        var padded = PaddedInput(spec);
        string input = padded == spec.Input ? $"{spec.Input} inputs" : $"{spec.Input} inputs padded to {padded} with black pixels";
        return $"{name}, {input}, {spec.Classes} classes";
    }

    /// <summary>
    /// A freshly initialised network. Its initial weights come from libtorch's default generator, under
    /// <see cref="GlobalRandom.Sync"/>; callers that need reproducible weights seed it and call this in one
    /// <c>lock (GlobalRandom.Sync)</c> block.
    /// </summary>
    public static SplitNetwork Create(ModelSpec spec)
    {
        if (!Known.TryGetValue(spec.Architecture, out var a)) throw new ArgumentException(UnknownMessage(spec.Architecture));
        lock (GlobalRandom.Sync) return a.Create(spec);
    }

    /// <summary>Throws when the model cannot take the spec's input shape; the models' constructors call it.</summary>
    internal static void EnsureFits(ModelSpec spec)
    {
        if (InputProblem(spec.Architecture, spec.Input) is { } problem) throw new ArgumentException($"model: {problem}");
    }

    static string UnknownMessage(string architecture) =>
        $"model: unknown model '{architecture}'; use one of {string.Join(", ", Known.Keys)}.";
}
