using RobustLab.Training.Data;
using RobustLab.Training.Runtime;

namespace RobustLab.Training.Models;

/// <summary>
/// The architectures by name ("lenet", "alexnet"): how each is built and which input shapes it takes. The models'
/// constructors, the run pipeline and the dashboard form all ask <see cref="InputProblem"/>, so the rule lives here once.
/// </summary>
public static class ModelFactory
{
    sealed record Architecture(string DisplayName, int SideDivisor, Func<ModelSpec, SplitNetwork> Create);

    // LeNet halves the side twice (two 2x2 pools), AlexNet 32-fold (stride 4, then three pools): docs/method.md, section "Architectures".
    static readonly Dictionary<string, Architecture> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lenet"] = new("LeNet", 4, spec => new LeNet(spec)),
        ["alexnet"] = new("AlexNet", 32, spec => new AlexNet(spec)),
    };

    public static IReadOnlyList<string> Architectures { get; } = ["lenet", "alexnet"];

    public static bool IsKnown(string architecture) => Known.ContainsKey(architecture);

    /// <summary>Why <paramref name="architecture"/> cannot take images of <paramref name="shape"/>, or null when it can.</summary>
    public static string? InputProblem(string architecture, ImageShape shape)
    {
        if (!Known.TryGetValue(architecture, out var a)) return UnknownMessage(architecture);
        return shape.Height == shape.Width && shape.Height % a.SideDivisor == 0 ? null
            : $"{a.DisplayName} needs square images whose side is divisible by {a.SideDivisor}; this data set has {shape.Height}x{shape.Width}.";
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
