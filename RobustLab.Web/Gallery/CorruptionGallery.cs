using System.Collections.Concurrent;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Data;
using static TorchSharp.torch;

namespace RobustLab.Web.Gallery;

/// <summary>One corrupted image: its severity and the PNG as a data URL.</summary>
public sealed record GalleryImage(int Severity, string DataUrl);

/// <summary>One corruption at every severity.</summary>
public sealed record GalleryRow(string Corruption, CorruptionFamily Family, IReadOnlyList<GalleryImage> Images);

/// <summary>A test image of a data set, clean and under every corruption and severity.</summary>
public sealed record GalleryResult(string Dataset, int ImageIndex, int Label, int Seed, string CleanDataUrl, IReadOnlyList<GalleryRow> Rows);

/// <summary>
/// Shows what each corruption does: one test image of a data set under every corruption of the catalogue at every
/// severity, made on the server with the same corruptions and the same per-(corruption, severity) seeds as the
/// corruption suite (<see cref="CorruptionSuite.SeedFor"/>), as PNG data URLs. Galleries are kept once made, and the
/// last data set's test split stays in memory, so changing the image does not read the files again.
/// </summary>
public sealed class CorruptionGallery(DatasetCatalog catalog)
{
    const int MaxKept = 32;

    readonly ConcurrentDictionary<(string Dataset, int Index, int Seed), Lazy<GalleryResult>> _made = new();
    readonly Lock _testLock = new();
    (string Name, ImageSet Test)? _test;

    /// <summary>
    /// The gallery of test image <paramref name="index"/> of <paramref name="dataset"/>, corrupted with <paramref name="seed"/>.
    /// Throws the catalogue's exceptions when the data set is unknown or absent, and names the field for a bad index.
    /// </summary>
    public Task<GalleryResult> GetAsync(string dataset, int index, int seed, CancellationToken ct = default)
    {
        if (_made.Count > MaxKept) _made.Clear();
        var lazy = _made.GetOrAdd((dataset, index, seed), key => new Lazy<GalleryResult>(() => Make(key.Dataset, key.Index, key.Seed)));
        // The data set read and the 75 corruptions take a moment: off the render thread.
        return Task.Run(() =>
        {
            try { return lazy.Value; }
            catch { _made.TryRemove(new((dataset, index, seed), lazy)); throw; }
        }, ct);
    }

    GalleryResult Make(string dataset, int index, int seed)
    {
        var test = Test(dataset);
        if (index < 0 || index >= test.Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"image: must be in [0, {test.Count - 1}] for {dataset} (got {index}).");
        return Make(test.Select([index]), index, seed);
    }

    /// <summary>The gallery of the first image of <paramref name="image"/> (its index in the test set given for the caption).</summary>
    public static GalleryResult Make(ImageSet image, int index, int seed)
    {
        var s = image.Shape;
        var pixels = image.Pixels.AsSpan(0, s.Size).ToArray();
        using var x = tensor(pixels, [1, s.Channels, s.Height, s.Width]);
        var rows = new List<GalleryRow>();
        foreach (string name in CorruptionCatalog.Names)
        {
            var corruption = CorruptionCatalog.Create(name);
            var images = new List<GalleryImage>();
            for (int severity = Corruption.MinSeverity; severity <= Corruption.MaxSeverity; severity++)
            {
                using var y = corruption.Apply(x, severity, CorruptionSuite.SeedFor(seed, name, severity));
                images.Add(new GalleryImage(severity, Png.DataUrl(y.data<float>().ToArray(), s.Channels, s.Height, s.Width)));
            }
            rows.Add(new GalleryRow(name, corruption.Family, images));
        }
        return new GalleryResult(image.Name, index, image.Labels[0], seed, Png.DataUrl(pixels, s.Channels, s.Height, s.Width), rows);
    }

    ImageSet Test(string dataset)
    {
        lock (_testLock)
        {
            if (_test is { } kept && string.Equals(kept.Name, dataset, StringComparison.OrdinalIgnoreCase)) return kept.Test;
            var test = catalog.Load(dataset).Test;
            _test = (dataset, test);
            return test;
        }
    }
}
