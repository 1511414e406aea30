using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using RobustLab.Training.Moments;
using static TorchSharp.torch;

namespace RobustLab.Training.Kernels;

/// <summary>
/// The regulariser's first ReLU for both paths, [relu(mu); T(mu, s)] stacked along the batch, as one CPU pass over mu
/// for networks whose Omega does not start with a max-pool (ResNet-20). <see cref="CleanAndMeanRelu"/> composes the same
/// from ~13 libtorch passes (erf and exp among them), about 4% of a ResNet-20 regulariser step here; this reads mu once
/// and writes the two outputs and Phi, phi for the backward pass, which is one pass too:
/// d/dmu = relu'(mu) on the clean half + Phi(mu/s) on the mean half, d/ds = phi(mu/s) summed over the batch.
/// Other devices and types use <see cref="CleanAndMeanRelu"/>.
/// </summary>
public sealed unsafe class FusedCleanAndMeanRelu : autograd.SingleTensorFunction<FusedCleanAndMeanRelu>
{
    public override string Name => nameof(FusedCleanAndMeanRelu);

    /// <summary>True where the fused kernel runs: float32 CPU mu (N, ...) and s of mu's shape with batch 1.</summary>
    public static bool Supports(Tensor mu, Tensor s) =>
        CpuKernel.IsCpuFloat(mu) && CpuKernel.IsCpuFloat(s) && mu.numel() > 0 && mu.numel() * 2 * 4L <= int.MaxValue &&
        s.dim() == mu.dim() && s.shape[0] == 1 && s.shape.Skip(1).SequenceEqual(mu.shape.Skip(1));

    /// <summary>mu: (N, ...) first-layer pre-activations; s: (1, ...) their noise standard deviation.</summary>
    public static Tensor Apply(Tensor mu, Tensor s) => Supports(mu, s) ? apply(mu, s) : CleanAndMeanRelu.Apply(mu, s);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var mu = ((Tensor)vars[0]).contiguous();
        using var s = ((Tensor)vars[1]).contiguous();
        long n = mu.shape[0];
        int positions = (int)(mu.numel() / n);
        var output = empty([2 * n, .. mu.shape[1..]], ScalarType.Float32);
        var cdf = empty_like(mu);
        var pdf = empty_like(mu);
        var buffer = ArrayPool<float>.Shared.Rent(3 * positions);
        try
        {
            fixed (float* constants = buffer)
            {
                float* inverse = constants, pdfFactor = constants + positions, scaledPdf = constants + 2 * positions;
                MeanReluRun.Constants((float*)CpuKernel.Address(s), positions, inverse, pdfFactor, scaledPdf);
                float* pMu = (float*)CpuKernel.Address(mu), pOut = (float*)CpuKernel.Address(output);
                float* pCdf = (float*)CpuKernel.Address(cdf), pPdf = (float*)CpuKernel.Address(pdf);
                for (long i = 0; i < n; i++)
                {
                    long at = i * positions;
                    Relu(pMu + at, pOut + at, positions);
                    MeanReluRun.Run(pMu + at, inverse, scaledPdf, pdfFactor, positions, pOut + n * positions + at, pCdf + at, pPdf + at);
                }
            }
        }
        finally { ArrayPool<float>.Shared.Return(buffer); }
        ctx.save_for_backward([mu, cdf, pdf]);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var (mu, cdf, pdf) = (saved[0], saved[1], saved[2]);
        long n = mu.shape[0];
        int positions = (int)(mu.numel() / n);
        using var grad = gradOutput.contiguous();
        var gradMu = empty_like(mu);
        var gradS = zeros([1, .. mu.shape[1..]], ScalarType.Float32);
        float* pGrad = (float*)CpuKernel.Address(grad), pMu = (float*)CpuKernel.Address(mu);
        float* pCdf = (float*)CpuKernel.Address(cdf), pPdf = (float*)CpuKernel.Address(pdf);
        float* pGradMu = (float*)CpuKernel.Address(gradMu), pGradS = (float*)CpuKernel.Address(gradS);
        for (long i = 0; i < n; i++)
        {
            long at = i * positions;
            Backward(pGrad + at, pGrad + n * positions + at, pMu + at, pCdf + at, pPdf + at, pGradMu + at, pGradS, positions);
        }
        return [gradMu, gradS];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Relu(float* x, float* y, int count)
    {
        int e = 0;
        for (; e + Vector<float>.Count <= count; e += Vector<float>.Count)
            Vector.Store(Vector.Max(Vector.Load(x + e), Vector<float>.Zero), y + e);
        for (; e < count; e++) y[e] = Math.Max(x[e], 0f);
    }

    /// <summary>One image: d/dmu = gradClean [mu > 0] + gradMean Phi, and d/ds += gradMean phi.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Backward(float* gradClean, float* gradMean, float* mu, float* cdf, float* pdf, float* gradMu, float* gradS, int count)
    {
        int e = 0;
        for (; e + Vector<float>.Count <= count; e += Vector<float>.Count)
        {
            var gMean = Vector.Load(gradMean + e);
            var gClean = Vector.ConditionalSelect(Vector.GreaterThan(Vector.Load(mu + e), Vector<float>.Zero), Vector.Load(gradClean + e), Vector<float>.Zero);
            Vector.Store(Vector.FusedMultiplyAdd(gMean, Vector.Load(cdf + e), gClean), gradMu + e);
            Vector.Store(Vector.FusedMultiplyAdd(gMean, Vector.Load(pdf + e), Vector.Load(gradS + e)), gradS + e);
        }
        for (; e < count; e++)
        {
            gradMu[e] = (mu[e] > 0 ? gradClean[e] : 0) + gradMean[e] * cdf[e];
            gradS[e] += gradMean[e] * pdf[e];
        }
    }
}
