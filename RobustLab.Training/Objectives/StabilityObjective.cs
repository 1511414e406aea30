using RobustLab.Training.Models;
using static TorchSharp.torch;

namespace RobustLab.Training.Objectives;

/// <summary>
/// Stability training (Zheng et al. 2016; Li et al. 2019; docs/method.md, section "Stability training"):
/// CE(f(x), y) + lambda * KL(softmax f(x) || softmax f(x + n)) with one fresh noisy copy per image. The clean and the
/// noisy batch go through the network as one batch of 2n rows; the gradient flows through both.
/// </summary>
public sealed class StabilityObjective(double sigma, double lambda, Generator generator) : ITrainingObjective
{
    public int SamplesPerImage => 1;

    public ObjectiveOutput Compute(SplitNetwork network, TrainingBatch batch)
    {
        long n = batch.Pixels.shape[0];
        using var noisy = PixelNoise.Add(batch.Pixels, sigma, generator);
        using var both = cat([batch.Pixels, noisy], 0);
        using var logits = network.call(both);
        var clean = logits.narrow(0, 0, n);
        using var logProbabilities = nn.functional.log_softmax(logits, 1);
        using var logP = logProbabilities.narrow(0, 0, n);
        using var logQ = logProbabilities.narrow(0, n, n);
        using var ce = nn.functional.cross_entropy(clean, batch.Labels);
        using var kl = Divergences.KullbackLeibler(logP, logQ);
        return new(ce + lambda * kl, clean);
    }
}
