using static TorchSharp.torch;

namespace RobustLab.Training.Moments;

/// <summary>
/// The regulariser's two first-ReLU outputs in one tensor, [relu(mu); T(mu, s)] stacked along the batch, as one
/// autograd function with closed-form gradients: dT/dmu = Phi(mu/s) and dT/ds = phi(mu/s) (summed over the batch,
/// since s is shared by every image). It replaces ~12 element-wise autograd nodes and a concatenation by a handful
/// of in-place passes. On float32 CPU tensors the regulariser uses the one-pass kernels instead,
/// <see cref="Kernels.FusedCleanAndMeanRelu"/> or, where Omega starts with a 2x2 max-pool,
/// <see cref="Kernels.CleanAndMeanReluMaxPool2"/>; both fall back to this on other devices and types.
/// Values match <see cref="ReluMoments.Mean"/>, including the limit relu(mu) where s is (numerically) zero.
/// </summary>
public sealed class CleanAndMeanRelu : autograd.SingleTensorFunction<CleanAndMeanRelu>
{
    const double TinySigma = 1e-12;
    static readonly double InvSqrt2 = 1 / Math.Sqrt(2), InvSqrt2Pi = 1 / Math.Sqrt(2 * Math.PI);

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

        // T = s (t Phi(t) + phi(t)) with Phi = (1 + erf(t / sqrt 2)) / 2 and phi = c exp(-t^2 / 2), c = 1 / sqrt(2 pi).
        // The constants ride on the small per-position tensors (s / 2, c s) to save full-size passes.
        using var t = mu / safeS;
        var onePlusErf = t.mul(InvSqrt2).erf_().add_(1);                       // 2 Phi(t)
        var gauss = t.square().mul_(-0.5).exp_();                             // phi(t) / c
        using var halfS = safeS * 0.5;
        using var cS = safeS * InvSqrt2Pi;
        using (var mean = output.narrow(0, n, n))
        {
            mean.copy_(t).mul_(onePlusErf).mul_(halfS).addcmul_(gauss, cS, 1);
            if (anyTiny)
            {
                using var positive = mu.gt(0);
                mean.copy_(where(tiny, nn.functional.relu(mu), mean));
                onePlusErf = where(tiny, positive.to_type(onePlusErf.dtype) * 2, onePlusErf);
                gauss = where(tiny, zeros_like(gauss), gauss);
            }
        }
        ctx.save_for_backward([mu, onePlusErf, gauss]);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var (mu, onePlusErf, gauss) = (saved[0], saved[1], saved[2]);
        long n = mu.shape[0];
        using var gradClean = gradOutput.narrow(0, 0, n);
        using var gradMean = gradOutput.narrow(0, n, n);
        using var positive = mu.gt(0);
        var gradMu = gradClean.mul(positive).addcmul_(gradMean, onePlusErf, 0.5);      // dT/dmu = Phi(t)
        var gradS = gradMean.mul(gauss).sum(0, keepdim: true).mul_(InvSqrt2Pi);       // dT/ds = phi(t)
        return [gradMu, gradS];
    }
}
