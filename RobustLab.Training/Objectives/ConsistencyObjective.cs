using RobustLab.Training.Models;
using static TorchSharp.torch;

namespace RobustLab.Training.Objectives;

/// <summary>
/// Consistency regularisation (Jeong and Shin 2020; docs/method.md, section "Consistency regularisation"): m fresh
/// noisy copies of each image, p_i = softmax f(x + n_i) and p_bar their mean;
/// L = mean_i CE(f(x + n_i), y) + lambda * mean_i KL(p_bar || p_i) + eta * H(p_bar). No clean image is seen. The m
/// copies go through the network as one batch of m n rows; the training accuracy counts the first copy.
/// </summary>
public sealed class ConsistencyObjective(double sigma, int copies, double lambda, double eta, Generator generator) : ITrainingObjective
{
    public int SamplesPerImage => 1;

    public ObjectiveOutput Compute(SplitNetwork network, TrainingBatch batch)
    {
        long n = batch.Pixels.shape[0];
        using var noisy = PixelNoise.Copies(batch.Pixels, copies, sigma, generator);
        using var logits = network.call(noisy);
        using var labels = batch.Labels.repeat(copies);
        // The batch mean over all m n rows is the mean over copies of each copy's batch-mean CE.
        using var ce = nn.functional.cross_entropy(logits, labels);
        using var logProbabilities = nn.functional.log_softmax(logits, 1);
        using var logP = logProbabilities.reshape(copies, n, -1);
        // log p_bar = logsumexp_i log p_i - log m: exact, and finite where a p_i underflows.
        using var logSum = logP.logsumexp(0, keepdim: true);
        using var logMean = logSum - Math.Log(copies);
        using var kl = Divergences.KullbackLeibler(logMean, logP);
        using var entropy = Divergences.Entropy(logMean);
        return new(ce + lambda * kl + eta * entropy, logits.narrow(0, 0, n));
    }
}
