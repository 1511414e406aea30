using RobustLab.Training.Kernels;
using RobustLab.Training.Loop;
using RobustLab.Training.Models;
using RobustLab.Training.Moments;
using static TorchSharp.torch;

namespace RobustLab.Training.Objectives;

/// <summary>
/// The analytic moment regulariser (docs/method.md, section "The regulariser (Eq. 2 and 3)"): CE(Phi(x), y) + alpha * CE(Omega(T(mu2, s2)), y) with
/// mu2 = Upsilon(x) and s2^2 = (A .* A) sigma^2. The clean and mean paths share mu2 and go through Omega as one
/// batch; s2 is computed once per step for the whole batch. No noise is sampled unless gamma > 0.
/// The variants (docs/method.md, section "Regulariser variants"): the mixed form (1 - alpha) * data + alpha * mean,
/// the mean path scored against the detached clean predictions, and gamma, the share of the batch's images whose one
/// noisy copy joins the clean path (their rows go through Omega in the same batch, after the clean and mean rows).
/// </summary>
public sealed class MomentRegularizerObjective : ITrainingObjective
{
    readonly double _alpha, _sigma;
    readonly RegularizerVariant _variant;
    readonly Generator? _generator;
    readonly Tensor _inputVariance;

    public MomentRegularizerObjective(SplitNetwork network, double sigma, double alpha, Device device,
        RegularizerVariant? variant = null, Generator? generator = null)
    {
        _alpha = alpha;
        _sigma = sigma;
        _variant = variant ?? RegularizerVariant.Paper;
        if (_variant.Gamma > 0 && generator is null)
            throw new ArgumentException("gamma > 0 draws noisy copies: pass the noise generator.", nameof(generator));
        _generator = generator;
        var input = network.Spec.Input;
        _inputVariance = VarianceMap.InputVariance(sigma, network.Spec.Normalization.Std, input.Height, input.Width, device)
            .DetachFromDisposeScope();
    }

    public int SamplesPerImage => 1;

    public ObjectiveOutput Compute(SplitNetwork network, TrainingBatch batch)
    {
        long n = batch.Pixels.shape[0];
        // The first k rows of a shuffled batch are a random share of its images.
        long k = _variant.Gamma > 0 ? (long)Math.Round(_variant.Gamma * n, MidpointRounding.AwayFromZero) : 0;
        var pixels = k == 0 ? batch.Pixels : cat([batch.Pixels, PixelNoise.Add(batch.Pixels.narrow(0, 0, k), _sigma, _generator!)], 0);
        var preActivation = network.PreActivation(pixels);
        var mu2 = k == 0 ? preActivation : preActivation.narrow(0, 0, n);
        var s2 = VarianceMap.StdThroughFirstLayer(network.Upsilon, _inputVariance);
        // Omega([relu(mu2); T(mu2, s2); relu(mu2 of the noisy copies)]), with the first ReLUs fused into Omega's
        // leading max-pool where there is one.
        Tensor logits;
        if (network.OmegaStartsWithMaxPool2)
        {
            var pooled = CleanAndMeanReluMaxPool2.Apply(mu2, s2);
            if (k > 0) pooled = cat([pooled, ReluMaxPool2.Apply(preActivation.narrow(0, n, k))], 0);
            logits = network.OmegaAfterPool(pooled);
        }
        else
        {
            var relu = CleanAndMeanRelu.Apply(mu2, s2);
            if (k > 0) relu = cat([relu, nn.functional.relu(preActivation.narrow(0, n, k))], 0);
            logits = network.Omega(relu);
        }
        var clean = logits.narrow(0, 0, n);
        var mean = logits.narrow(0, n, n);
        var data = k == 0
            ? nn.functional.cross_entropy(clean, batch.Labels)
            : nn.functional.cross_entropy(cat([clean, logits.narrow(0, 2 * n, k)], 0), cat([batch.Labels, batch.Labels.narrow(0, 0, k)], 0));
        var meanTerm = _variant.Target == RegularizerTarget.Labels
            ? nn.functional.cross_entropy(mean, batch.Labels)
            : Divergences.SoftCrossEntropy(mean, nn.functional.softmax(clean, 1).detach());
        var loss = _variant.Form == RegularizerForm.Additive ? data + _alpha * meanTerm : (1 - _alpha) * data + _alpha * meanTerm;
        return new(loss, clean);
    }
}
