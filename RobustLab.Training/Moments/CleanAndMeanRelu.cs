using static TorchSharp.torch;

namespace RobustLab.Training.Moments;

/// <summary>
/// The regulariser's two first-ReLU outputs in one tensor, [relu(mu); T(mu, s)] stacked along the batch, as one
/// autograd function with closed-form gradients: dT/dmu = Phi(mu/s) and dT/ds = phi(mu/s) (summed over the batch,
/// since s is shared by every image). It replaces ~12 element-wise autograd nodes and a concatenation by a handful
/// of in-place passes, which is what keeps the regulariser's step near the cost of two passes through Omega.
/// Values match <see cref="ReluMoments.Mean"/>, including the limit relu(mu) where s is (numerically) zero.
/// </summary>
public sealed class CleanAndMeanRelu : autograd.SingleTensorFunction<CleanAndMeanRelu>
{
    const double TinySigma = 1e-12;
    static readonly double InvSqrt2Pi = 1 / Math.Sqrt(2 * Math.PI);

    public override string Name => nameof(CleanAndMeanRelu);

    /// <summary>mu: (N, ...) first-layer pre-activations; s: (1, ...) their noise standard deviation, broadcast over N.</summary>
    public static Tensor Apply(Tensor mu, Tensor s) => apply(mu, s);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var mu = (Tensor)vars[0];
        var s = (Tensor)vars[1];
        long n = mu.shape[0];
        using var tiny = s.le(TinySigma);
        bool anyTiny = tiny.any().item<bool>();
        using var safeS = anyTiny ? where(tiny, ones_like(s), s) : s.alias();

        var output = empty([2 * n, .. mu.shape[1..]], mu.dtype, mu.device);
        using (var clean = output.narrow(0, 0, n))
            clean.copy_(mu).relu_();

        // T = mu Phi(t) + s phi(t), t = mu / s, with Phi from one ndtr pass and phi = c exp(-t^2 / 2), c = 1 / sqrt(2 pi).
        // mu Phi needs no t (t s = mu), and the constant c rides on the small per-position tensor c s: fewer full passes.
        var t = mu / safeS;
        var cdf = special.ndtr(t);                                            // Phi(t)
        var phiScaled = t.mul_(t).mul_(-0.5).exp_();                          // phi(t) / c, in t's storage
        if (!ReferenceEquals(phiScaled, t)) t.Dispose();                      // the handle, not the shared storage
        using var cS = safeS * InvSqrt2Pi;
        using (var mean = output.narrow(0, n, n))
        {
            mean.copy_(mu).mul_(cdf).addcmul_(phiScaled, cS, 1);
            if (anyTiny)
            {
                using var positive = mu.gt(0);
                mean.copy_(where(tiny, nn.functional.relu(mu), mean));
                cdf = where(tiny, positive.to_type(cdf.dtype), cdf);
                phiScaled = where(tiny, zeros_like(phiScaled), phiScaled);
            }
        }
        ctx.save_for_backward([mu, cdf, phiScaled]);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var (mu, cdf, phiScaled) = (saved[0], saved[1], saved[2]);
        long n = mu.shape[0];
        using var gradClean = gradOutput.narrow(0, 0, n);
        using var gradMean = gradOutput.narrow(0, n, n);
        using var positive = mu.gt(0);
        var gradMu = gradClean.mul(positive).addcmul_(gradMean, cdf, 1);               // dT/dmu = Phi(t)
        var gradS = gradMean.mul(phiScaled).sum(0, keepdim: true).mul_(InvSqrt2Pi);   // dT/ds = phi(t)
        return [gradMu, gradS];
    }
}
