namespace RobustLab.Training.Corruptions;

/// <summary>
/// The corruptions RobustLab offers, by the names of the published benchmarks (CIFAR-10-C's snake_case). Noise, blur and
/// digital corruptions take their severity tables from Hendrycks and Dietterich (2019), make_cifar_c.py; the geometric
/// ones (rotate, shear, scale, translate) exist only in MNIST-C and take Mu and Gilmer's (2019) tables, so one severity
/// scale serves grey and colour data sets alike. MNIST-C's own tables for the noise corruptions are harsher; they are
/// not used. jpeg_compression is codec-free (DCT quantisation, see <see cref="JpegCompression"/>): it matches a JPEG
/// round trip except for chroma subsampling. Glass blur, zoom blur, fog, frost, snow, spatter, saturate, elastic and
/// MNIST-C's line, zigzag, stripe and canny-edge corruptions are not implemented.
/// </summary>
public static class CorruptionCatalog
{
    public const string GaussianNoise = "gaussian_noise", ShotNoise = "shot_noise", ImpulseNoise = "impulse_noise",
        SpeckleNoise = "speckle_noise", GaussianBlur = "gaussian_blur", DefocusBlur = "defocus_blur", MotionBlur = "motion_blur",
        Brightness = "brightness", Contrast = "contrast", Pixelate = "pixelate", JpegCompression = "jpeg_compression",
        Rotate = "rotate", Shear = "shear", Scale = "scale", Translate = "translate";

    /// <summary>In report order: noise, blur, digital, geometric.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        GaussianNoise, ShotNoise, ImpulseNoise, SpeckleNoise, GaussianBlur, DefocusBlur, MotionBlur,
        Brightness, Contrast, Pixelate, JpegCompression, Rotate, Shear, Scale, Translate,
    ];

    public static ICorruption Create(string name) => name switch
    {
        GaussianNoise => new GaussianNoise(),
        ShotNoise => new ShotNoise(),
        ImpulseNoise => new ImpulseNoise(),
        SpeckleNoise => new SpeckleNoise(),
        GaussianBlur => new GaussianBlur(),
        DefocusBlur => new DefocusBlur(),
        MotionBlur => new MotionBlur(),
        Brightness => new Brightness(),
        Contrast => new Contrast(),
        Pixelate => new Pixelate(),
        JpegCompression => new JpegCompression(),
        Rotate => new Rotate(),
        Shear => new Shear(),
        Scale => new Scale(),
        Translate => new Translate(),
        _ => throw new ArgumentException($"corruptions: unknown corruption '{name}'; use any of {string.Join(", ", Names)}."),
    };

    /// <summary>Parses "gaussian_noise,rotate" (or "all"); throws naming <paramref name="field"/> and every unknown name.</summary>
    public static IReadOnlyList<string> Parse(string text, string field = "corruptions")
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant().Replace('-', '_')).ToList();
        if (names is ["all"]) return Names;
        if (names.Count == 0) throw new ArgumentException($"{field}: name at least one corruption ({string.Join(", ", Names)}, or all).");
        var unknown = names.Where(n => !Names.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"{field}: unknown corruption{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}; " +
                                        $"use any of {string.Join(", ", Names)}, or all.");
        return names.Distinct().ToList();
    }

    /// <summary>Parses severities "1-5", "3" or "1,3,5" (each in [1, 5]), sorted and without repeats.</summary>
    public static IReadOnlyList<int> ParseSeverities(string text, string field = "severities")
    {
        var result = new SortedSet<int>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length is < 1 or > 2 || !ends.All(e => int.TryParse(e, System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out _)))
                throw new ArgumentException($"{field}: '{part}' is not a severity or a range like 1-5.");
            int from = int.Parse(ends[0], System.Globalization.CultureInfo.InvariantCulture);
            int to = int.Parse(ends[^1], System.Globalization.CultureInfo.InvariantCulture);
            if (from < Corruption.MinSeverity || to > Corruption.MaxSeverity || from > to)
                throw new ArgumentException($"{field}: '{part}' is outside {Corruption.MinSeverity}-{Corruption.MaxSeverity}.");
            for (int s = from; s <= to; s++) result.Add(s);
        }
        if (result.Count == 0) throw new ArgumentException($"{field}: name at least one severity (1-5).");
        return result.ToList();
    }
}
