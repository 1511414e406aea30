using RobustLab.Training.Loop;
using RobustLab.Training.Moments;
using RobustLab.Training.Objectives;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Objectives;

/// <summary>
/// The regulariser's variants (docs/method.md, section "Regulariser variants") on <see cref="TinyNetwork"/>, against
/// the formulas computed by hand in doubles: mean path Omega(T(mu2, s2)) with s2_j = sigma ||A_j||, the mixed form, the
/// clean predictions as the mean path's target, and gamma's noisy copies joining the clean path.
/// </summary>
public class RegularizerVariantTests
{
    public RegularizerVariantTests() => TorchRuntime.EnsureLoaded();

    const int N = 3;
    const ulong Seed = 23;
    static readonly float[] Pixels = [0.1f, 0.9f, 0.4f, 0.3f, 0.7f, 0.2f, 0.8f, 0.5f, 0.0f, 0.6f, 1.0f, 0.25f];
    static readonly long[] Labels = [0, 1, 1];

    static TrainingBatch Batch() => new(tensor(Pixels, [N, 1, 2, 2]), tensor(Labels));

    static double[] Image(int i) => Pixels.Skip(4 * i).Take(4).Select(v => (double)v).ToArray();

    static double[] CleanLogits(int i) => TinyNetwork.Logits(Image(i));

    static double[] MeanLogits(int i, double sigma)
    {
        var mu = TinyNetwork.PreActivation(Image(i));
        var t = mu.Select((m, j) => ReluMoments.Mean(m, sigma * Math.Sqrt(Enumerable.Range(0, 4).Sum(p => TinyNetwork.A[j, p] * TinyNetwork.A[j, p])))).ToArray();
        return TinyNetwork.Omega(t);
    }

    static double Ce(double[] logits, long label) => -TinyNetwork.LogSoftmax(logits)[label];

    /// <summary>Cross-entropy of the mean path against the clean softmax output as soft labels.</summary>
    static double SoftCe(double[] logits, double[] target)
    {
        var p = TinyNetwork.LogSoftmax(target).Select(Math.Exp).ToArray();
        var logQ = TinyNetwork.LogSoftmax(logits);
        return -p.Select((pk, k) => pk * logQ[k]).Sum();
    }

    static double Loss(double sigma, double alpha, RegularizerVariant variant)
    {
        using var net = new TinyNetwork();
        using var generator = SeededNoise.Generator(Seed);
        var objective = new MomentRegularizerObjective(net, sigma, alpha, CPU, variant, generator);
        using var loss = objective.Compute(net, Batch()).Loss;
        return loss.item<float>();
    }

    static double Average(Func<int, double> perImage) => Enumerable.Range(0, N).Average(perImage);

    [Fact]
    public void The_paper_form_is_clean_cross_entropy_plus_alpha_times_the_mean_paths()
    {
        double expected = Average(i => Ce(CleanLogits(i), Labels[i])) + 0.7 * Average(i => Ce(MeanLogits(i, 0.3), Labels[i]));
        Assert.Equal(expected, Loss(0.3, 0.7, RegularizerVariant.Paper), tolerance: 1e-5);
        // gamma = 0 with the other options at the paper's is today's regulariser.
        Assert.Equal(expected, Loss(0.3, 0.7, new RegularizerVariant(Gamma: 0)), tolerance: 1e-6);
    }

    [Fact]
    public void Mixed_form_weighs_the_clean_path_by_one_minus_alpha()
    {
        var mixed = new RegularizerVariant(RegularizerForm.Mixed);
        double expected = 0.75 * Average(i => Ce(CleanLogits(i), Labels[i])) + 0.25 * Average(i => Ce(MeanLogits(i, 0.3), Labels[i]));
        Assert.Equal(expected, Loss(0.3, 0.25, mixed), tolerance: 1e-5);

        using var net = new TinyNetwork();
        using var baseline = new BaselineObjective().Compute(net, Batch()).Loss;
        Assert.Equal(baseline.item<float>(), Loss(0.3, 0, mixed), tolerance: 1e-6);
    }

    [Fact]
    public void Prediction_target_scores_the_mean_path_against_the_clean_softmax()
    {
        var variant = new RegularizerVariant(Target: RegularizerTarget.Predictions);
        double expected = Average(i => Ce(CleanLogits(i), Labels[i])) + 1.5 * Average(i => SoftCe(MeanLogits(i, 0.4), CleanLogits(i)));
        Assert.Equal(expected, Loss(0.4, 1.5, variant), tolerance: 1e-5);
    }

    [Fact]
    public void Prediction_target_sends_no_gradient_through_the_target()
    {
        // With alpha = 1 in the mixed form only the mean path is left; its target is constant, so the gradient is
        // that of a fixed soft-label cross-entropy: compare with the target detached by hand.
        using var net = new TinyNetwork();
        var variant = new RegularizerVariant(RegularizerForm.Mixed, RegularizerTarget.Predictions);
        var objective = new MomentRegularizerObjective(net, 0.4, 1, CPU, variant);
        objective.Compute(net, Batch()).Loss.backward();
        var grads = net.parameters().Select(p => p.grad!.clone()).ToList();
        net.zero_grad();

        using var x = Batch().Pixels;
        Tensor target;
        using (no_grad()) target = nn.functional.softmax(net.call(x), 1);
        var mu = net.PreActivation(x);
        using var variance = VarianceMap.InputVariance(0.4, [1f], 2, 2, CPU);
        var s = VarianceMap.StdThroughFirstLayer(net.Upsilon, variance);
        var mean = net.Omega(ReluMoments.Mean(mu, s));
        Divergences.SoftCrossEntropy(mean, target).backward();
        foreach (var (g, p) in grads.Zip(net.parameters()))
            Assert.True(allclose(g, p.grad!, 1e-5, 1e-7));
    }

    [Theory]
    [InlineData(0.34, 1)]
    [InlineData(0.67, 2)]
    [InlineData(1.0, 3)]
    public void Gamma_adds_one_noisy_copy_of_that_share_of_the_images_to_the_clean_path(double gamma, int k)
    {
        double sigma = 0.3, alpha = 0.5;
        float[] noise;
        using (var generator = SeededNoise.Generator(Seed))
        using (var draw = SeededNoise.Normal([k, 1, 2, 2], generator, CPU))
            noise = draw.data<float>().ToArray();
        var noisyCe = Enumerable.Range(0, k).Select(i =>
            Ce(TinyNetwork.Logits(Image(i).Select((v, p) => v + sigma * noise[4 * i + p]).ToArray()), Labels[i]));
        double data = (Enumerable.Range(0, N).Sum(i => Ce(CleanLogits(i), Labels[i])) + noisyCe.Sum()) / (N + k);
        double expected = data + alpha * Average(i => Ce(MeanLogits(i, sigma), Labels[i]));

        Assert.Equal(expected, Loss(sigma, alpha, new RegularizerVariant(Gamma: gamma)), tolerance: 1e-5);
    }
}
