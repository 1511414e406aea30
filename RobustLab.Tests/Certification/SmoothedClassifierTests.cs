using MathNet.Numerics.Distributions;
using RobustLab.Training.Certification;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Certification;

/// <summary>PREDICT and CERTIFY on a linear classifier, whose exact certified radius is its distance to the hyperplane.</summary>
public sealed class SmoothedClassifierTests
{
    const double Sigma = 0.5;

    static Tensor Image(float[] point) => tensor(point, [1, 2, 2]);

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(-0.7)]
    public void Smoothed_classifier_equals_the_base_classifier_and_its_radius_approaches_the_distance(double distance)
    {
        using var linear = new LinearClassifier();
        using var smoothed = new SmoothedClassifier(linear.Classify, 2, Sigma, 10_000, CPU);
        var point = LinearClassifier.PointAt(distance, along: 0.3);
        using var image = Image(point);
        using var generator = SeededNoise.Generator(7);

        var certificate = smoothed.Certify(image, 100, 100_000, 0.001, generator);

        double exact = LinearClassifier.DistanceOf(point);
        Assert.Equal(LinearClassifier.ClassOf(point), certificate.Prediction);
        Assert.True(certificate.Radius <= exact, $"radius {certificate.Radius} exceeds the exact radius {exact}");
        Assert.True(certificate.Radius >= 0.97 * exact, $"radius {certificate.Radius} is not within 3% of {exact}");
        Assert.Equal(LinearClassifier.ClassOf(point), smoothed.Predict(image, 10_000, 0.001, generator));
    }

    [Fact]
    public void Certified_radius_never_exceeds_the_distance_to_the_hyperplane()
    {
        using var linear = new LinearClassifier();
        using var smoothed = new SmoothedClassifier(linear.Classify, 2, Sigma, 5_000, CPU);
        for (int i = 0; i < 24; i++)
        {
            var point = LinearClassifier.PointAt(-1.2 + 0.1 * i, along: i % 5 - 2);
            using var image = Image(point);
            using var generator = SeededNoise.Generator((ulong)(100 + i));
            var certificate = smoothed.Certify(image, 100, 10_000, 0.001, generator);
            if (certificate.Abstained) continue;
            Assert.Equal(LinearClassifier.ClassOf(point), certificate.Prediction);
            Assert.True(certificate.Radius <= LinearClassifier.DistanceOf(point),
                $"point {i}: radius {certificate.Radius} > distance {LinearClassifier.DistanceOf(point)}");
        }
    }

    [Fact]
    public void Smoothed_classifier_abstains_at_the_boundary_and_predicts_away_from_it()
    {
        using var linear = new LinearClassifier();
        using var smoothed = new SmoothedClassifier(linear.Classify, 2, Sigma, 10_000, CPU);
        using var near = Image(LinearClassifier.PointAt(0.001));
        using var far = Image(LinearClassifier.PointAt(0.5));
        using var generator = SeededNoise.Generator(3);

        var certificate = smoothed.Certify(near, 100, 10_000, 0.001, generator);
        Assert.True(certificate.Abstained);
        Assert.Equal(0, certificate.Radius);
        Assert.InRange(certificate.PALower, 0.4, 0.5);
        Assert.Equal(SmoothedClassifier.Abstain, smoothed.Predict(near, 10_000, 0.001, generator));
        Assert.Equal(1, smoothed.Predict(far, 1_000, 0.001, generator));
    }

    [Fact]
    public void Counts_follow_phi_of_distance_over_sigma()
    {
        using var linear = new LinearClassifier();
        using var smoothed = new SmoothedClassifier(linear.Classify, 2, Sigma, 4_096, CPU);
        using var image = Image(LinearClassifier.PointAt(0.25));
        using var generator = SeededNoise.Generator(11);
        var counts = smoothed.SampleCounts(image, 100_000, generator);
        double p = Normal.CDF(0, 1, 0.25 / Sigma);
        Assert.Equal(100_000, counts.Sum());
        Assert.InRange(counts[1] / 100_000.0, p - 4 * Math.Sqrt(p * (1 - p) / 100_000), p + 4 * Math.Sqrt(p * (1 - p) / 100_000));
    }

    [Fact]
    public void Noise_is_added_in_pixel_units_without_clamping()
    {
        using var noise = new NoisyCopies(0.3, CPU);
        using var clean = tensor(new float[] { 0f, 1f, 0.5f, 0.2f }, [1, 1, 2, 2]);
        using var generator = SeededNoise.Generator(5);
        var noisy = noise.Draw(clean, 50_000, [1, 2, 2], generator);
        using var mean = noisy.mean([0]);
        using var std = noisy.std(0);
        using var min = noisy.min();
        using var max = noisy.max();
        var means = mean.flatten().data<float>().ToArray();
        Assert.Equal(new[] { 0f, 1f, 0.5f, 0.2f }, means, (a, b) => Math.Abs(a - b) < 0.01);
        Assert.All(std.flatten().data<float>().ToArray(), s => Assert.InRange(s, 0.29, 0.31));
        Assert.True(min.item<float>() < -0.5f && max.item<float>() > 1.5f, "noisy pixels must not be clamped to [0, 1]");
    }

    [Fact]
    public void Cancel_stops_within_one_batch()
    {
        using var linear = new LinearClassifier();
        using var cancel = new CancellationTokenSource();
        linear.AfterCall = calls => { if (calls == 3) cancel.Cancel(); };
        using var smoothed = new SmoothedClassifier(linear.Classify, 2, Sigma, 100, CPU);
        using var image = Image(LinearClassifier.PointAt(0.5));
        using var generator = SeededNoise.Generator(1);

        Assert.ThrowsAny<OperationCanceledException>(() => smoothed.Certify(image, 100, 10_000, 0.001, generator, cancel.Token));
        Assert.Equal(3, linear.Calls);
    }

    [Fact]
    public void Batches_report_the_samples_they_classified()
    {
        using var linear = new LinearClassifier();
        var batches = new List<long>();
        using var smoothed = new SmoothedClassifier(linear.Classify, 2, Sigma, 300, CPU) { OnBatch = batches.Add };
        using var image = Image(LinearClassifier.PointAt(0.5));
        using var generator = SeededNoise.Generator(1);
        smoothed.Certify(image, 100, 1_000, 0.001, generator);
        Assert.Equal(new long[] { 100, 300, 300, 300, 100 }, batches);
    }
}
