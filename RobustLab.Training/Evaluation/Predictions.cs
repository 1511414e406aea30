using RobustLab.Training.Models;
using static TorchSharp.torch;

namespace RobustLab.Training.Evaluation;

/// <summary>Batched, gradient-free class predictions of a network.</summary>
public static class Predictions
{
    /// <summary>argmax of the logits for every image of x (N, C, H, W), computed in batches under no_grad.</summary>
    public static Tensor Of(SplitNetwork model, Tensor x, int batchSize, Func<Tensor, Tensor>? perturb = null)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        long n = x.shape[0];
        for (long start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var batch = x.narrow(0, start, Math.Min(batchSize, n - start));
            var input = perturb is null ? batch : perturb(batch);
            parts.Add(model.call(input).argmax(1).MoveToOuterDisposeScope());
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }
}
