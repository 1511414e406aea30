using MathNet.Numerics.Distributions;
using RobustLab.Training.Certification;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Certification;

/// <summary>Certifying a test set: seeded reproducibility, progress, cancellation and majority vote on the linear classifier.</summary>
public sealed class CertifierTests
{
    static readonly float[][] Points = Enumerable.Range(0, 12)
        .Select(i => LinearClassifier.PointAt((i % 2 == 0 ? 1 : -1) * (0.05 + 0.1 * i), along: i - 6)).ToArray();

    static CertificationOptions Options(int seed = 0) => new()
    {
        Sigma = 0.5, N0 = 50, N = 2_000, Alpha = 0.001, Images = null, Every = 1, BatchSize = 512, Seed = seed,
    };

    [Fact]
    public void Seeded_runs_are_identical_and_another_seed_differs()
    {
        using var linear = new LinearClassifier();
        var test = LinearClassifier.Images(Points);
        var first = Certifier.Run(linear.Classify, 2, test, Options(seed: 4), CPU);
        var second = Certifier.Run(linear.Classify, 2, test, Options(seed: 4), CPU);
        var other = Certifier.Run(linear.Classify, 2, test, Options(seed: 5), CPU);

        Assert.Equal(first.Rows, second.Rows);
        Assert.Equal(first.MajorityVote, second.MajorityVote);
        Assert.NotEqual(first.Rows.Select(r => r.Radius), other.Rows.Select(r => r.Radius));
        Assert.Equal(Enumerable.Range(0, 12), first.Rows.Select(r => r.Index));
        Assert.All(first.Rows, r => Assert.True(r.Abstained || r.Radius <= LinearClassifier.DistanceOf(Points[r.Index])));
    }

    [Fact]
    public void An_image_certifies_the_same_whichever_images_are_certified_with_it()
    {
        using var linear = new LinearClassifier();
        var test = LinearClassifier.Images(Points);
        var all = Certifier.Run(linear.Classify, 2, test, Options(), CPU);
        var everyThird = Certifier.Run(linear.Classify, 2, test, Options() with { Every = 3 }, CPU);
        Assert.Equal(new[] { 0, 3, 6, 9 }, everyThird.Rows.Select(r => r.Index));
        Assert.Equal(everyThird.Rows, everyThird.Rows.Select(r => all.Rows[r.Index]));
        Assert.Equal(3, everyThird.Every);
    }

    [Fact]
    public void Progress_reaches_every_sample_of_every_image()
    {
        using var linear = new LinearClassifier();
        var test = LinearClassifier.Images(Points);
        var seen = new List<CertificationProgress>();
        Certifier.Run(linear.Classify, 2, test, Options(), CPU, seen.Add);
        Assert.Equal(12 * 2_050L, seen[^1].SamplesDone);
        Assert.Equal(seen[^1].Samples, seen[^1].SamplesDone);
        Assert.Equal(12, seen[^1].ImagesDone);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.Second.SamplesDone >= p.First.SamplesDone));
    }

    [Fact]
    public void Cancel_during_a_test_set_stops_within_one_batch()
    {
        using var linear = new LinearClassifier();
        var test = LinearClassifier.Images(Points);
        using var cancel = new CancellationTokenSource();
        int callsAtCancel = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => Certifier.Run(linear.Classify, 2, test, Options(), CPU, p =>
        {
            if (p.ImagesDone == 5 && callsAtCancel == 0) { cancel.Cancel(); callsAtCancel = linear.Calls; }
        }, cancel.Token));
        Assert.True(callsAtCancel > 0);
        Assert.Equal(callsAtCancel, linear.Calls);
    }

    /// <summary>
    /// Many copies of one image at distance d: each keeps its class with p = Phi(d / sigma) per sample, so the share kept
    /// by a majority of m samples is P(Bin(m, p) &gt; m / 2).
    /// </summary>
    [Fact]
    public void Majority_vote_matches_the_binomial_closed_form_on_a_linear_classifier()
    {
        using var linear = new LinearClassifier();
        const double sigma = 0.5, distance = 0.1;
        const int m = 30, images = 4_000;
        var point = LinearClassifier.PointAt(distance);
        using var x = tensor(Enumerable.Repeat(point, images).SelectMany(p => p).ToArray(), [images, 1, 2, 2]);
        using var clean = Certifier.CleanPredictions(linear.Classify, x, 1_000);
        using var generator = SeededNoise.Generator(21);

        double robustness = MajorityVote.At(linear.Classify, x, clean, sigma, m, 3_000, generator);

        double p = Normal.CDF(0, 1, distance / sigma);
        double expected = 1 - Binomial.CDF(p, m, m / 2);
        double se = Math.Sqrt(expected * (1 - expected) / images);
        Assert.InRange(robustness, expected - 4 * se, expected + 4 * se);
    }

    [Fact]
    public void Majority_vote_curve_is_one_at_sigma_zero_and_follows_the_gnr_grid()
    {
        using var linear = new LinearClassifier();
        using var x = tensor(Points.SelectMany(p => p).ToArray(), [Points.Length, 1, 2, 2]);
        using var clean = Certifier.CleanPredictions(linear.Classify, x, 100);
        var sigmas = CertificationOptions.MajorityVoteSigmas();
        var curve = MajorityVote.Curve(linear.Classify, x, clean, sigmas, 30, 100, seed: 0);
        Assert.Equal(sigmas, curve.Select(p => p.Sigma));
        Assert.Equal(30, curve.Count);
        Assert.Equal(0.5, curve[^1].Sigma, 12);
        Assert.Equal(1, curve[0].Robustness);
        Assert.All(curve, p => Assert.InRange(p.Robustness, 0, 1));
    }

    [Theory]
    [InlineData(10_000, 500, null, 500, 0, 20, 9_980)]
    [InlineData(10_000, null, 1, 10_000, 0, 1, 9_999)]
    [InlineData(10, null, 3, 4, 0, 3, 9)]
    [InlineData(7, 500, null, 7, 0, 1, 6)]
    public void Test_images_are_every_kth_image(int testCount, int? images, int? every, int count, int first, int second, int last)
    {
        var options = new CertificationOptions { Sigma = 0.25, Images = images, Every = every };
        var indices = options.SelectIndices(testCount);
        Assert.Equal(count, indices.Length);
        Assert.Equal(first, indices[0]);
        Assert.Equal(second, indices[1]);
        Assert.Equal(last, indices[^1]);
    }

    [Fact]
    public void Defaults_are_those_of_the_issue()
    {
        var options = new CertificationOptions { Sigma = 0.25 };
        Assert.Equal((100, 10_000, 0.001, 500, 30), (options.N0, options.N, options.Alpha, options.Images!.Value, options.MajorityVoteSamples));
        Assert.Empty(options.Validate());
        Assert.Contains(new CertificationOptions { Sigma = 0 }.Validate(), e => e.StartsWith("sigma"));
        Assert.Contains((options with { Alpha = 1 }).Validate(), e => e.StartsWith("alpha"));
        Assert.Contains((options with { N0 = 0 }).Validate(), e => e.StartsWith("n0"));
    }
}
