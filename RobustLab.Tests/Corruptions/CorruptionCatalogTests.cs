using RobustLab.Training.Corruptions;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Corruptions;

/// <summary>What every corruption promises: [0, 1] out, the shape kept, the seed replays it, severity 5 is worse than 1.</summary>
public sealed class CorruptionCatalogTests
{
    public CorruptionCatalogTests() => TorchRuntime.EnsureLoaded();

    public static TheoryData<string, int> NamesAndChannels()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in CorruptionCatalog.Names) { data.Add(name, 1); data.Add(name, 3); }
        return data;
    }

    [Theory, MemberData(nameof(NamesAndChannels))]
    public void Severity_1_and_5_keep_the_shape_and_range_replay_with_the_seed_and_5_changes_more(string name, int channels)
    {
        int size = channels == 1 ? 28 : 32;
        using var x = GeneratedImages.Pattern(3, channels, size);
        var corruption = CorruptionCatalog.Create(name);
        Assert.Equal(name, corruption.Name);

        var distance = new Dictionary<int, double>();
        foreach (int severity in new[] { 1, 5 })
        {
            using var first = corruption.Apply(x, severity, seed: 11);
            using var again = corruption.Apply(x, severity, seed: 11);
            Assert.Equal(x.shape, first.shape);
            Assert.Equal(ScalarType.Float32, first.dtype);
            Assert.True(first.min().item<float>() >= 0 && first.max().item<float>() <= 1, $"{name} s{severity} leaves [0, 1]");
            Assert.True(first.eq(again).all().item<bool>(), $"{name} s{severity} differs for the same seed");
            distance[severity] = GeneratedImages.L2(first, x);
        }
        Assert.True(distance[1] > 0, $"{name} severity 1 left the image unchanged");
        Assert.True(distance[5] > distance[1], $"{name}: L2 at severity 5 ({distance[5]:G4}) is not above severity 1 ({distance[1]:G4})");
    }

    [Fact]
    public void Random_corruptions_differ_between_seeds()
    {
        using var x = GeneratedImages.Pattern(8, 1, 28);
        foreach (string name in new[] { CorruptionCatalog.GaussianNoise, CorruptionCatalog.ShotNoise, CorruptionCatalog.ImpulseNoise,
                     CorruptionCatalog.SpeckleNoise, CorruptionCatalog.MotionBlur, CorruptionCatalog.Rotate, CorruptionCatalog.Translate })
        {
            var corruption = CorruptionCatalog.Create(name);
            using var a = corruption.Apply(x, 3, seed: 1);
            using var b = corruption.Apply(x, 3, seed: 2);
            Assert.False(a.eq(b).all().item<bool>(), $"{name} ignores its seed");
        }
    }

    [Fact]
    public void Severity_outside_1_to_5_and_a_bad_shape_are_refused_naming_the_field()
    {
        using var x = GeneratedImages.Pattern(1, 1, 28);
        var corruption = CorruptionCatalog.Create(CorruptionCatalog.Contrast);
        Assert.Contains("severity", Assert.Throws<ArgumentOutOfRangeException>(() => corruption.Apply(x, 6, 0)).Message);
        using var two = zeros(1, 2, 28, 28);
        Assert.Contains("channels", Assert.Throws<ArgumentException>(() => corruption.Apply(two, 1, 0)).Message);
    }

    [Fact]
    public void Parse_accepts_all_lists_and_ranges_and_names_what_is_unknown()
    {
        Assert.Equal(CorruptionCatalog.Names, CorruptionCatalog.Parse("all"));
        Assert.Equal(["rotate", "gaussian_noise"], CorruptionCatalog.Parse("rotate, gaussian-noise"));
        Assert.Contains("'fog'", Assert.Throws<ArgumentException>(() => CorruptionCatalog.Parse("rotate,fog")).Message);
        Assert.Equal([1, 2, 3, 4, 5], CorruptionCatalog.ParseSeverities("1-5"));
        Assert.Equal([1, 3, 5], CorruptionCatalog.ParseSeverities("5,1,3"));
        Assert.Contains("'0-7'", Assert.Throws<ArgumentException>(() => CorruptionCatalog.ParseSeverities("0-7")).Message);
    }

    [Fact]
    public void Image_sets_are_corrupted_with_labels_kept()
    {
        using var x = GeneratedImages.Pattern(2, 1, 28);
        var set = new RobustLab.Training.Data.ImageSet("t", new(1, 28, 28), 10, x.data<float>().ToArray(), [3, 7]);
        var corrupted = CorruptionCatalog.Create(CorruptionCatalog.Pixelate).Apply(set, 5, 0);
        Assert.Equal(set.Labels, corrupted.Labels);
        Assert.Equal(set.Pixels.Length, corrupted.Pixels.Length);
        Assert.NotEqual(set.Pixels, corrupted.Pixels);
    }
}
