using static TorchSharp.torch;

namespace RobustLab.Training.Objectives;

/// <summary>The divergences stability and consistency training add to the cross-entropy, from log-probabilities.</summary>
public static class Divergences
{
    /// <summary>Batch mean of KL(P || Q) = sum_k P_k (log P_k - log Q_k), rows of log-probabilities in the last dimension.</summary>
    public static Tensor KullbackLeibler(Tensor logP, Tensor logQ)
    {
        using var p = logP.exp();
        using var difference = logP - logQ;
        using var perRow = (p * difference).sum(-1);
        return perRow.mean();
    }

    /// <summary>Batch mean of the entropy -sum_k P_k log P_k.</summary>
    public static Tensor Entropy(Tensor logP)
    {
        using var p = logP.exp();
        using var perRow = (p * logP).sum(-1);
        return perRow.mean().neg();
    }

    /// <summary>Batch mean of the cross-entropy -sum_k Q_k log P_k against soft targets Q (probabilities).</summary>
    public static Tensor SoftCrossEntropy(Tensor logits, Tensor targetProbabilities)
    {
        using var logP = nn.functional.log_softmax(logits, 1);
        using var perRow = (targetProbabilities * logP).sum(1);
        return perRow.mean().neg();
    }
}
