using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RobustLab.Training.Kernels;

/// <summary>
/// T(mu, s) = s (t Phi(t) + phi(t)), t = mu / s, with Phi(t) and phi(t) for its gradients, over a contiguous run of
/// positions (docs/method.md, section "ReLU moments"); the step shared by the fused regulariser kernels. Where s is
/// tiny, u = mu / (s sqrt 2) is taken as 1e30 mu: Phi is then 0 or 1 and phi 0, the relu limit; at mu = 0 Phi is set to
/// 0, relu's gradient there, as in <see cref="Moments.CleanAndMeanRelu"/>.
/// </summary>
static unsafe class MeanReluRun
{
    const double TinySigma = 1e-12;
    const float HugeInverse = 1e30f;
    static readonly float InvSqrt2 = (float)(1 / Math.Sqrt(2)), InvSqrt2Pi = (float)(1 / Math.Sqrt(2 * Math.PI));

    /// <summary>
    /// Per position: 1 / (s sqrt 2), phi's factor 1 / sqrt(2 pi) and s times it (both 0 where s is tiny). Each of the
    /// three outputs holds <paramref name="positions"/> floats.
    /// </summary>
    public static void Constants(float* sigma, int positions, float* inverse, float* pdfFactor, float* scaledPdf)
    {
        for (int p = 0; p < positions; p++)
        {
            bool tiny = sigma[p] <= TinySigma;
            inverse[p] = tiny ? HugeInverse : InvSqrt2 / sigma[p];   // u = mu / (s sqrt 2)
            pdfFactor[p] = tiny ? 0 : InvSqrt2Pi;                    // phi = exp(-u^2) / sqrt(2 pi)
            scaledPdf[p] = tiny ? 0 : sigma[p] * InvSqrt2Pi;         // s phi / exp(-u^2)
        }
    }

    /// <summary>T, Phi and phi of <paramref name="count"/> pre-activations m, given their positions' constants.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(float* m, float* inverse, float* scaledPdf, float* pdfFactor, int count, float* t, float* cdf, float* pdf)
    {
        int e = 0;
        if (Avx512F.IsSupported)
            for (; e + Vector512<float>.Count <= count; e += Vector512<float>.Count)
            {
                var x = Vector512.Load(m + e);
                var factor = Vector512.Load(pdfFactor + e);
                var (phiCdf, gauss) = GaussianVector.CdfAndGauss(x * Vector512.Load(inverse + e));
                Vector512.Store(x * phiCdf + Vector512.Load(scaledPdf + e) * gauss, t + e);
                var tinyAtZero = Vector512.Equals(factor, Vector512<float>.Zero) & Vector512.Equals(x, Vector512<float>.Zero);
                Vector512.Store(Vector512.ConditionalSelect(tinyAtZero, Vector512<float>.Zero, phiCdf), cdf + e);
                Vector512.Store(factor * gauss, pdf + e);
            }
        for (; e + Vector<float>.Count <= count; e += Vector<float>.Count)
        {
            var x = Vector.Load(m + e);
            var factor = Vector.Load(pdfFactor + e);
            var (phiCdf, gauss) = GaussianVector.CdfAndGauss(x * Vector.Load(inverse + e));
            Vector.Store(x * phiCdf + Vector.Load(scaledPdf + e) * gauss, t + e);
            var tinyAtZero = Vector.Equals(factor, Vector<float>.Zero) & Vector.Equals(x, Vector<float>.Zero);
            Vector.Store(Vector.ConditionalSelect(tinyAtZero, Vector<float>.Zero, phiCdf), cdf + e);
            Vector.Store(factor * gauss, pdf + e);
        }
        for (; e < count; e++)   // the last, partial vector
        {
            var (phiCdf, gauss) = GaussianVector.CdfAndGauss(new Vector<float>(m[e] * inverse[e]));
            t[e] = m[e] * phiCdf[0] + scaledPdf[e] * gauss[0];
            cdf[e] = pdfFactor[e] == 0 && m[e] == 0 ? 0 : phiCdf[0];
            pdf[e] = pdfFactor[e] * gauss[0];
        }
    }
}
