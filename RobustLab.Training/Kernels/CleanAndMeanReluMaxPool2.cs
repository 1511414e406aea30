using System.Buffers;
using System.Runtime.CompilerServices;
using RobustLab.Training.Moments;
using static TorchSharp.torch;

namespace RobustLab.Training.Kernels;

/// <summary>
/// The regulariser's first ReLU followed by Omega's leading 2x2 max-pool, for both paths at once:
/// [max_pool2d(relu(mu), 2); max_pool2d(T(mu, s), 2)] stacked along the batch, as one CPU pass over mu.
/// Composed from libtorch this is ~12 element-wise passes, a concatenation and a max-pool over 2N images, which took
/// about a fifth of the regulariser's step; here mu is read once and only the pooled outputs and, per window, the
/// winners' places and Phi, phi at the mean path's winner are written. The gradients are those of the composition:
/// dT/dmu = Phi(mu/s), dT/ds = phi(mu/s) (summed over the batch, since s is shared by every image).
/// Other devices and types, and odd sides, use <see cref="CleanAndMeanRelu"/> and libtorch's max_pool2d.
/// </summary>
public sealed unsafe class CleanAndMeanReluMaxPool2 : autograd.SingleTensorFunction<CleanAndMeanReluMaxPool2>
{
    public override string Name => nameof(CleanAndMeanReluMaxPool2);

    /// <summary>True where the fused kernel runs: float32 CPU mu (N, C, H, W) with even H, W and s of shape (1, C, H, W).</summary>
    public static bool Supports(Tensor mu, Tensor s) =>
        ReluMaxPool2.Supports(mu) && CpuKernel.IsCpuFloat(s) && mu.numel() * 2 * 4L <= int.MaxValue &&
        s.dim() == 4 && s.shape[0] == 1 && s.shape[1] == mu.shape[1] && s.shape[2] == mu.shape[2] && s.shape[3] == mu.shape[3];

    /// <summary>mu: (N, C, H, W) first-layer pre-activations; s: (1, C, H, W) their noise standard deviation.</summary>
    public static Tensor Apply(Tensor mu, Tensor s)
    {
        if (Supports(mu, s)) return apply(mu, s);
        using var both = CleanAndMeanRelu.Apply(mu, s);
        return nn.functional.max_pool2d(both, 2);
    }

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        using var mu = ((Tensor)vars[0]).contiguous();
        using var s = ((Tensor)vars[1]).contiguous();
        var (n, c, h, w) = (mu.shape[0], mu.shape[1], mu.shape[2], mu.shape[3]);
        int plane = (int)(h * w), positions = (int)(c * h * w);
        var output = empty([2 * n, c, h / 2, w / 2], ScalarType.Float32);
        var cleanPlace = empty([n, c, h / 2, w / 2], ScalarType.Int32);
        var meanPlace = empty([n, c, h / 2, w / 2], ScalarType.Int32);
        var cdfAt = empty([n, c, h / 2, w / 2], ScalarType.Float32);
        var pdfAt = empty([n, c, h / 2, w / 2], ScalarType.Float32);

        // Per position of an image: 1 / (s sqrt 2), phi's factor and s times it (0 where s is tiny); then T, Phi and phi
        // of the plane in hand.
        var buffer = ArrayPool<float>.Shared.Rent(3 * positions + 3 * plane);
        try
        {
            fixed (float* constants = buffer)
            {
                float* inverse = constants, pdfFactor = constants + positions, scaledPdf = constants + 2 * positions;
                MeanReluRun.Constants((float*)CpuKernel.Address(s), positions, inverse, pdfFactor, scaledPdf);
                var planeBuffers = new PlaneBuffers(inverse, pdfFactor, scaledPdf, constants + 3 * positions);
                long meanOffset = n * c * (h / 2) * (w / 2);
                var pOut = (float*)CpuKernel.Address(output);
                Forward((float*)CpuKernel.Address(mu), pOut, pOut + meanOffset, (int*)CpuKernel.Address(cleanPlace),
                    (int*)CpuKernel.Address(meanPlace), (float*)CpuKernel.Address(cdfAt), (float*)CpuKernel.Address(pdfAt),
                    planeBuffers, n * c, (int)c, (int)h, (int)w);
            }
        }
        finally { ArrayPool<float>.Shared.Return(buffer); }
        ctx.save_for_backward([cleanPlace, meanPlace, cdfAt, pdfAt]);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var (cleanPlace, meanPlace, cdfAt, pdfAt) = (saved[0], saved[1], saved[2], saved[3]);
        var (n, c, h2, w2) = (cleanPlace.shape[0], cleanPlace.shape[1], cleanPlace.shape[2], cleanPlace.shape[3]);
        using var grad = gradOutput.contiguous();
        var gradMu = empty([n, c, 2 * h2, 2 * w2], ScalarType.Float32);
        var gradS = zeros([1, c, 2 * h2, 2 * w2], ScalarType.Float32);
        long meanOffset = n * c * h2 * w2;
        var pGrad = (float*)CpuKernel.Address(grad);
        Backward(pGrad, pGrad + meanOffset, (int*)CpuKernel.Address(cleanPlace), (int*)CpuKernel.Address(meanPlace),
            (float*)CpuKernel.Address(cdfAt), (float*)CpuKernel.Address(pdfAt), (float*)CpuKernel.Address(gradMu),
            (float*)CpuKernel.Address(gradS), n * c, (int)c, (int)h2, (int)w2);
        return [gradMu, gradS];
    }

    /// <summary>Per-position constants (C*H*W each) and room for T, Phi, phi of one plane (H*W each).</summary>
    readonly struct PlaneBuffers(float* inverse, float* pdfFactor, float* scaledPdf, float* scratch)
    {
        public readonly float* Inverse = inverse, PdfFactor = pdfFactor, ScaledPdf = scaledPdf, Scratch = scratch;
    }

    /// <summary>Clean places carry <see cref="MaxPoolRow.PositiveBit"/> when the clean maximum is positive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Forward(float* mu, float* clean, float* mean, int* cleanPlace, int* meanPlace, float* cdfAt, float* pdfAt,
        PlaneBuffers buffers, long planes, int channels, int h, int w)
    {
        int plane = h * w, h2 = h / 2, w2 = w / 2;
        float* t = buffers.Scratch, cdf = t + plane, pdf = t + 2 * plane;
        for (long index = 0; index < planes; index++)
        {
            float* m = mu + index * plane;
            int at = (int)(index % channels) * plane;   // this channel's positions
            MeanReluRun.Run(m, buffers.Inverse + at, buffers.ScaledPdf + at, buffers.PdfFactor + at, plane, t, cdf, pdf);

            long o = index * h2 * w2;
            for (int i = 0; i < h2; i++, o += w2)
            {
                int row = 2 * i * w;
                MaxPoolRow.Run(m + row, m + row + w, w2, clean + o, cleanPlace + o, relu: true);
                MaxPoolRow.Run(t + row, t + row + w, w2, mean + o, meanPlace + o, relu: false);
                for (int j = 0; j < w2; j++)
                {
                    int winner = row + 2 * j + Window.Offset(meanPlace[o + j], w);
                    cdfAt[o + j] = cdf[winner];
                    pdfAt[o + j] = pdf[winner];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Backward(float* gradClean, float* gradMean, int* cleanPlace, int* meanPlace, float* cdfAt, float* pdfAt, float* gradMu,
        float* gradS, long planes, int channels, int h2, int w2)
    {
        int w = 2 * w2, plane = 4 * h2 * w2;
        for (long index = 0; index < planes; index++)
        {
            float* dst = gradMu + index * plane;
            float* s = gradS + (int)(index % channels) * plane;   // this channel's positions in s, summed over the batch
            long o = index * h2 * w2;
            for (int i = 0; i < h2; i++, o += w2)
            {
                int top = 2 * i * w, bottom = top + w;
                MaxPoolRowGradient.Run(w2, dst + top, dst + bottom, gradClean + o, cleanPlace + o,
                    gradMean + o, meanPlace + o, cdfAt + o, pdfAt + o, s + top, s + bottom);
            }
        }
    }
}
