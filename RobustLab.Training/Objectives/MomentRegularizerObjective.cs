using RobustLab.Training.Kernels;
using RobustLab.Training.Models;
using RobustLab.Training.Moments;
using static TorchSharp.torch;

namespace RobustLab.Training.Objectives;

/// <summary>
/// The analytic moment regulariser (docs/method.md, section "The regulariser (Eq. 2 and 3)"): CE(Phi(x), y) + alpha * CE(Omega(T(mu2, s2)), y) with
/// mu2 = Upsilon(x) and s2^2 = (A .* A) sigma^2. The clean and mean paths share mu2 and go through Omega as one
/// batch; s2 is computed once per step for the whole batch. No noise is sampled.
/// </summary>
public sealed class MomentRegularizerObjective : ITrainingObjective
{
    readonly double _alpha;
    readonly Tensor _inputVariance;

    public MomentRegularizerObjective(SplitNetwork network, double sigma, double alpha, Device device)
    {
        _alpha = alpha;
        var input = network.Spec.Input;
        _inputVariance = VarianceMap.InputVariance(sigma, network.Spec.Normalization.Std, input.Height, input.Width, device)
            .DetachFromDisposeScope();
    }

    public int SamplesPerImage => 1;

    public ObjectiveOutput Compute(SplitNetwork network, TrainingBatch batch)
    {
        long n = batch.Pixels.shape[0];
        var mu2 = network.PreActivation(batch.Pixels);
        var s2 = VarianceMap.StdThroughFirstLayer(network.Upsilon, _inputVariance);
        // Omega([relu(mu2); T(mu2, s2)]), with both first ReLUs fused into Omega's leading max-pool where there is one.
        var logits = network.OmegaStartsWithMaxPool2
            ? network.OmegaAfterPool(CleanAndMeanReluMaxPool2.Apply(mu2, s2))
            : network.Omega(CleanAndMeanRelu.Apply(mu2, s2));
        var clean = logits.narrow(0, 0, n);
        var mean = logits.narrow(0, n, n);
        var loss = nn.functional.cross_entropy(clean, batch.Labels) + _alpha * nn.functional.cross_entropy(mean, batch.Labels);
        return new(loss, clean);
    }
}
