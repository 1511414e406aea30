using static TorchSharp.torch;

namespace RobustLab.Training.Attacks;

/// <summary>Gradients with respect to the input images, never touching the model's parameter gradients.</summary>
internal static class InputGradient
{
    /// <summary>
    /// The logits at x (detached) and d(sum over images of objective)/dx. Images are independent in eval mode, so the
    /// gradient of the sum is each image's own gradient.
    /// </summary>
    public static (Tensor Logits, Tensor Gradient) Of(nn.Module<Tensor, Tensor> model, Tensor x, Func<Tensor, Tensor, Tensor> objective)
    {
        using var scope = NewDisposeScope();
        using var enabled = enable_grad();
        var input = x.detach().requires_grad_(true);
        var logits = model.call(input);
        var total = objective(logits, input).sum();
        var gradient = autograd.grad([total], [input])[0];
        return (logits.detach().MoveToOuterDisposeScope(), gradient.detach().MoveToOuterDisposeScope());
    }

    /// <summary>Cross-entropy of each image against its label (no reduction).</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels) =>
        nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.None);

    /// <summary>The logits with each image's label logit set to -inf: what the other classes score.</summary>
    public static Tensor OtherClasses(Tensor logits, Tensor labels) =>
        logits.scatter(1, labels.unsqueeze(1), full([logits.shape[0], 1], double.NegativeInfinity, dtype: logits.dtype, device: logits.device));

    /// <summary>Broadcasts one value per image over the image's other dimensions.</summary>
    public static Tensor PerImage(Tensor values, Tensor like) =>
        values.reshape([values.shape[0], .. Enumerable.Repeat(1L, (int)like.dim() - 1)]);

    /// <summary>Disposes what <paramref name="slot"/> held and keeps <paramref name="value"/> alive past the current dispose scope.</summary>
    public static void Replace(ref Tensor slot, Tensor value)
    {
        var kept = value.MoveToOuterDisposeScope();
        if (!ReferenceEquals(slot, kept)) slot.Dispose();
        slot = kept;
    }
}
