using RobustLab.Training.Kernels;
using RobustLab.Training.Loop;
using RobustLab.Training.Models;
using RobustLab.Training.Moments;
using static TorchSharp.torch;

namespace RobustLab.Training.Objectives;

/// <summary>
/// The analytic moment regulariser (docs/method.md, section "The regulariser (Eq. 2 and 3)"): CE(Phi(x), y) + alpha * CE(Omega(T(mu2, s2)), y) with
/// mu2 = Upsilon(x) and s2^2 = (A .* A) sigma^2. The clean and mean paths share mu2 and one pass for their first ReLUs,
/// then go through Omega as one batch, or one after the other when Omega has batch normalisation; s2 is computed once
/// per step for the whole batch. No noise is sampled unless gamma > 0.
/// The variants (docs/method.md, section "Regulariser variants"): the mixed form (1 - alpha) * data + alpha * mean,
/// the mean path scored against the detached clean predictions, and gamma, the share of the batch's images whose one
/// noisy copy joins the clean path (their rows go through Omega with the clean path's, after them).
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
        // [relu(mu2); T(mu2, s2)], with the first ReLUs fused into Omega's leading max-pool where there is one.
        bool pooled = network.OmegaStartsWithMaxPool2;
        var firstRelu = pooled ? CleanAndMeanReluMaxPool2.Apply(mu2, s2) : FusedCleanAndMeanRelu.Apply(mu2, s2);
        Tensor? noisyRelu = null;
        if (k > 0)
        {
            var noisy = preActivation.narrow(0, n, k);
            noisyRelu = pooled ? ReluMaxPool2.Apply(noisy) : nn.functional.relu(noisy);
        }
        var (cleanLogits, mean) = network.OmegaHasBatchNorm
            ? OmegaOneAfterTheOther(network, firstRelu, noisyRelu, n)
            : OmegaTogether(network, firstRelu, noisyRelu, n);
        var clean = k == 0 ? cleanLogits : cleanLogits.narrow(0, 0, n);
        var data = nn.functional.cross_entropy(cleanLogits, k == 0 ? batch.Labels : cat([batch.Labels, batch.Labels.narrow(0, 0, k)], 0));
        var meanTerm = _variant.Target == RegularizerTarget.Labels
            ? nn.functional.cross_entropy(mean, batch.Labels)
            : Divergences.SoftCrossEntropy(mean, nn.functional.softmax(clean, 1).detach());
        var loss = _variant.Form == RegularizerForm.Additive ? data + _alpha * meanTerm : (1 - _alpha) * data + _alpha * meanTerm;
        return new(loss, clean);
    }

    static Tensor Rest(SplitNetwork network, Tensor firstRelu) =>
        network.OmegaStartsWithMaxPool2 ? network.OmegaAfterPool(firstRelu) : network.Omega(firstRelu);

    /// <summary>
    /// With batch normalisation in Omega (docs/method.md, section "Batch normalisation inside Omega"): the clean path,
    /// with the noisy copies' rows after the clean ones, is the baseline's forward pass; the mean path follows on its own,
    /// normalised with its own batch statistics, and leaves the running statistics as the clean path set them.
    /// Returns the clean path's logits (clean, then noisy rows) and the mean path's.
    /// </summary>
    static (Tensor Clean, Tensor Mean) OmegaOneAfterTheOther(SplitNetwork network, Tensor firstRelu, Tensor? noisyRelu, long n)
    {
        var cleanRows = firstRelu.narrow(0, 0, n);
        var clean = Rest(network, noisyRelu is null ? cleanRows : cat([cleanRows, noisyRelu], 0));
        using (new RunningStatisticsKept(network.OmegaBatchNorms))
            return (clean, Rest(network, firstRelu.narrow(0, n, n)));
    }

    /// <summary>
    /// Without batch normalisation in Omega the rows do not interact, so both paths (and the noisy copies) go through
    /// Omega as one batch, which reads its weights once: measured faster on LeNet than two passes.
    /// </summary>
    static (Tensor Clean, Tensor Mean) OmegaTogether(SplitNetwork network, Tensor firstRelu, Tensor? noisyRelu, long n)
    {
        var logits = Rest(network, noisyRelu is null ? firstRelu : cat([firstRelu, noisyRelu], 0));
        var clean = logits.narrow(0, 0, n);
        if (noisyRelu is not null) clean = cat([clean, logits.narrow(0, 2 * n, noisyRelu.shape[0])], 0);
        return (clean, logits.narrow(0, n, n));
    }
}
