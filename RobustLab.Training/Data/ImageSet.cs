namespace RobustLab.Training.Data;

/// <summary>Channels, height and width of one image.</summary>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    public int Size => Channels * Height * Width;
    public override string ToString() => $"{Channels}x{Height}x{Width}";
}

/// <summary>
/// Images in memory as pixels in [0, 1], channel-major (N, C, H, W) like PyTorch, with integer labels in [0, Classes).
/// Noise levels (sigma) are always in these pixel units.
/// </summary>
public sealed class ImageSet
{
    public ImageSet(string name, ImageShape shape, int classes, float[] pixels, int[] labels)
    {
        if (pixels.Length != (long)labels.Length * shape.Size)
            throw new ArgumentException($"{name}: {pixels.Length} pixel values do not make {labels.Length} images of {shape}.");
        Name = name; Shape = shape; Classes = classes; Pixels = pixels; Labels = labels;
    }

    public string Name { get; }
    public ImageShape Shape { get; }
    public int Classes { get; }
    public float[] Pixels { get; }
    public int[] Labels { get; }
    public int Count => Labels.Length;

    /// <summary>The images at the given indices, in that order.</summary>
    public ImageSet Select(IReadOnlyList<int> indices)
    {
        int size = Shape.Size;
        var pixels = new float[indices.Count * size];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Array.Copy(Pixels, (long)indices[i] * size, pixels, (long)i * size, size);
            labels[i] = Labels[indices[i]];
        }
        return new ImageSet(Name, Shape, Classes, pixels, labels);
    }

    /// <summary>The first <paramref name="count"/> images (all of them when count is null or larger).</summary>
    public ImageSet Take(int? count) =>
        count is null || count >= Count ? this : Select(Enumerable.Range(0, count.Value).ToArray());
}

/// <summary>A data set's training and test splits.</summary>
public sealed record DataSplits(ImageSet Train, ImageSet Test);
