using RobustLab.Training.Objectives;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Objectives;

/// <summary>
/// Gaussian augmentation, stability and consistency training (docs/method.md, sections "Gaussian augmentation",
/// "Stability training", "Consistency regularisation"): each loss on <see cref="TinyNetwork"/> equals the formula
/// computed by hand in doubles from the same noise draws, the gradients stay finite as sigma goes to 0, and at sigma = 0
/// each reduces to the baseline's cross-entropy (consistency plus eta times the entropy of the clean prediction).
/// </summary>
public class NoiseObjectiveTests
{
    public NoiseObjectiveTests() => TorchRuntime.EnsureLoaded();

    const int N = 3;
    const ulong Seed = 17;
    static readonly float[] Pixels = [0.1f, 0.9f, 0.4f, 0.3f, 0.7f, 0.2f, 0.8f, 0.5f, 0.0f, 0.6f, 1.0f, 0.25f];
    static readonly long[] Labels = [0, 1, 1];

    static TrainingBatch Batch() => new(tensor(Pixels, [N, 1, 2, 2]), tensor(Labels));

    static double[] Image(float[] pixels, int i) => pixels.Skip(4 * i).Take(4).Select(v => (double)v).ToArray();

    /// <summary>The noise the objective draws first from a generator seeded with <see cref="Seed"/>, for <paramref name="rows"/> images.</summary>
    static float[] Noise(int rows)
    {
        using var generator = SeededNoise.Generator(Seed);
        using var noise = SeededNoise.Normal([rows, 1, 2, 2], generator, CPU);
        return noise.data<float>().ToArray();
    }

    static double[] Noisy(int image, float[] noise, int noiseRow, double sigma) =>
        Image(Pixels, image).Select((v, i) => v + sigma * noise[4 * noiseRow + i]).ToArray();

    static double Loss(ITrainingObjective objective, TinyNetwork net)
    {
        using var loss = objective.Compute(net, Batch()).Loss;
        return loss.item<float>();
    }

    static double CrossEntropy(double[] logits, long label) => -TinyNetwork.LogSoftmax(logits)[label];

    static double Baseline(TinyNetwork net) => Loss(new BaselineObjective(), net);

    [Fact]
    public void Gaussian_loss_is_the_cross_entropy_of_one_noisy_copy_per_image()
    {
        using var net = new TinyNetwork();
        using var generator = SeededNoise.Generator(Seed);
        double sigma = 0.3;
        var noise = Noise(N);
        double expected = Enumerable.Range(0, N).Average(i => CrossEntropy(TinyNetwork.Logits(Noisy(i, noise, i, sigma)), Labels[i]));

        Assert.Equal(expected, Loss(new GaussianAugmentationObjective(sigma, generator), net), tolerance: 1e-5);
    }

    [Fact]
    public void Stability_loss_is_clean_cross_entropy_plus_lambda_times_kl_to_the_noisy_copy()
    {
        using var net = new TinyNetwork();
        using var generator = SeededNoise.Generator(Seed);
        double sigma = 0.4, lambda = 2.5;
        var noise = Noise(N);
        double expected = Enumerable.Range(0, N).Average(i =>
        {
            var logP = TinyNetwork.LogSoftmax(TinyNetwork.Logits(Image(Pixels, i)));
            var logQ = TinyNetwork.LogSoftmax(TinyNetwork.Logits(Noisy(i, noise, i, sigma)));
            double kl = logP.Select((lp, k) => Math.Exp(lp) * (lp - logQ[k])).Sum();
            return -logP[Labels[i]] + lambda * kl;
        });

        Assert.Equal(expected, Loss(new StabilityObjective(sigma, lambda, generator), net), tolerance: 1e-5);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Consistency_loss_is_mean_cross_entropy_plus_lambda_kl_from_the_mean_plus_eta_entropy(int m)
    {
        using var net = new TinyNetwork();
        using var generator = SeededNoise.Generator(Seed);
        double sigma = 0.5, lambda = 10, eta = 0.5;
        var noise = Noise(m * N);   // copy-major: row j N + i is copy j of image i
        double expected = Enumerable.Range(0, N).Average(i =>
        {
            var p = Enumerable.Range(0, m)
                .Select(j => TinyNetwork.LogSoftmax(TinyNetwork.Logits(Noisy(i, noise, j * N + i, sigma))).Select(Math.Exp).ToArray())
                .ToArray();
            var mean = Enumerable.Range(0, 2).Select(k => p.Average(pj => pj[k])).ToArray();
            double ce = p.Average(pj => -Math.Log(pj[Labels[i]]));
            double kl = p.Average(pj => mean.Select((q, k) => q * Math.Log(q / pj[k])).Sum());
            double entropy = -mean.Sum(q => q * Math.Log(q));
            return ce + lambda * kl + eta * entropy;
        });

        Assert.Equal(expected, Loss(new ConsistencyObjective(sigma, m, lambda, eta, generator), net), tolerance: 1e-5);
    }

    [Fact]
    public void At_sigma_zero_gaussian_and_stability_are_the_baseline_and_consistency_adds_only_the_entropy()
    {
        using var net = new TinyNetwork();
        using var generator = SeededNoise.Generator(Seed);
        double baseline = Baseline(net);
        double entropy = Enumerable.Range(0, N).Average(i =>
            -TinyNetwork.LogSoftmax(TinyNetwork.Logits(Image(Pixels, i))).Sum(lp => Math.Exp(lp) * lp));

        Assert.Equal(baseline, Loss(new GaussianAugmentationObjective(0, generator), net), tolerance: 1e-6);
        Assert.Equal(baseline, Loss(new StabilityObjective(0, 3, generator), net), tolerance: 1e-6);
        Assert.Equal(baseline, Loss(new ConsistencyObjective(0, 2, 10, 0, generator), net), tolerance: 1e-6);
        Assert.Equal(baseline + 0.5 * entropy, Loss(new ConsistencyObjective(0, 4, 10, 0.5, generator), net), tolerance: 1e-5);
    }

    public static TheoryData<string, double> SmallSigmas() => new()
    {
        { "gaussian", 0 }, { "gaussian", 1e-8 }, { "stability", 0 }, { "stability", 1e-8 }, { "consistency", 0 }, { "consistency", 1e-8 },
    };

    [Theory]
    [MemberData(nameof(SmallSigmas))]
    public void Gradients_are_finite_as_sigma_goes_to_zero(string method, double sigma)
    {
        using var net = new TinyNetwork();
        using var generator = SeededNoise.Generator(Seed);
        ITrainingObjective objective = method switch
        {
            "gaussian" => new GaussianAugmentationObjective(sigma, generator),
            "stability" => new StabilityObjective(sigma, 2, generator),
            _ => new ConsistencyObjective(sigma, 2, 10, 0.5, generator),
        };
        using var loss = objective.Compute(net, Batch()).Loss;
        loss.backward();

        Assert.True(float.IsFinite(loss.item<float>()));
        foreach (var (name, p) in net.named_parameters())
            Assert.True(p.grad is { } g && g.isfinite().all().item<bool>(), $"{method}: gradient of {name} is not finite at sigma {sigma}");
    }
}
