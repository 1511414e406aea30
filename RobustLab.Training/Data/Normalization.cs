namespace RobustLab.Training.Data;

/// <summary>
/// Per-channel input normalisation (x - Mean[c]) / Std[c], applied inside the network so that data, noise and sigma
/// stay in [0, 1] pixel units (docs/method.md, section "Units and normalisation").
/// </summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    public static Normalization Identity(int channels) =>
        new(Enumerable.Repeat(0f, channels).ToArray(), Enumerable.Repeat(1f, channels).ToArray());

    /// <summary>Per-channel mean and standard deviation of a training set.</summary>
    public static Normalization Of(ImageSet train)
    {
        int c = train.Shape.Channels, plane = train.Shape.Height * train.Shape.Width;
        var sum = new double[c];
        var sumSq = new double[c];
        for (int n = 0; n < train.Count; n++)
            for (int ch = 0; ch < c; ch++)
            {
                var span = train.Pixels.AsSpan((n * c + ch) * plane, plane);
                foreach (float v in span) { sum[ch] += v; sumSq[ch] += (double)v * v; }
            }
        double count = (double)train.Count * plane;
        var mean = new float[c];
        var std = new float[c];
        for (int ch = 0; ch < c; ch++)
        {
            double m = sum[ch] / count;
            mean[ch] = (float)m;
            std[ch] = (float)Math.Max(Math.Sqrt(Math.Max(sumSq[ch] / count - m * m, 0)), 1e-6);
        }
        return new Normalization(mean, std);
    }
}
