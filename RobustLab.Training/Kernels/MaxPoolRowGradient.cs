using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RobustLab.Training.Kernels;

/// <summary>
/// Spreads one output row's gradients back over its 2x2 windows: each window's gradient goes to its winner's place,
/// the other three get 0. With AVX2 eight windows at a time, as whole input rows (no scattered stores); the last block
/// may overlap the one before, so accumulated outputs mask the windows already done.
/// </summary>
static unsafe class MaxPoolRowGradient
{
    /// <summary>
    /// top/bottom[2j + (k &amp; 1)] = gradClean[j] at the clean winner k = cleanPlace[j] &amp; 3 when its
    /// <see cref="MaxPoolRow.PositiveBit"/> is set, plus, when meanPlace is given, gradMean[j] * cdfAt[j] at the mean
    /// winner meanPlace[j]; sTop/sBottom (when given) accumulate gradMean[j] * pdfAt[j] at the mean winner.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int windows, float* top, float* bottom, float* gradClean, int* cleanPlace,
        float* gradMean = null, int* meanPlace = null, float* cdfAt = null, float* pdfAt = null, float* sTop = null, float* sBottom = null)
    {
        if (Avx2.IsSupported && windows >= 8)
        {
            int done = 0;
            for (int j = 0; ; j += 8)
            {
                if (j + 8 > windows) j = windows - 8;
                Eight(j, done, top + 2 * j, bottom + 2 * j, gradClean + j, cleanPlace + j, meanPlace is null ? null : gradMean + j,
                    meanPlace is null ? null : meanPlace + j, cdfAt + j, pdfAt + j, sTop is null ? null : sTop + 2 * j, sBottom is null ? null : sBottom + 2 * j);
                done = j + 8;
                if (done == windows) return;
            }
        }
        int w = (int)(bottom - top);   // the input row width (the s rows have the same layout)
        for (int j = 0; j < windows; j++)
        {
            float* x = top + 2 * j;
            x[0] = x[1] = x[w] = x[w + 1] = 0;
            int kc = cleanPlace[j];
            x[Window.Offset(kc & 3, w)] = Window.Keep(gradClean[j], (kc & MaxPoolRow.PositiveBit) != 0);
            if (meanPlace is null) continue;
            int km = meanPlace[j];
            x[Window.Offset(km, w)] += gradMean[j] * cdfAt[j];
            if (sTop is not null) sTop[2 * j + Window.Offset(km, w)] += gradMean[j] * pdfAt[j];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Eight(int first, int done, float* top, float* bottom, float* gradClean, int* cleanPlace, float* gradMean, int* meanPlace,
        float* cdfAt, float* pdfAt, float* sTop, float* sBottom)
    {
        var kc = Avx.LoadVector256(cleanPlace);
        var positive = Avx2.CompareEqual(kc & Vector256.Create(MaxPoolRow.PositiveBit), Vector256.Create(MaxPoolRow.PositiveBit));
        var clean = Avx.And(Avx.LoadVector256(gradClean), positive.AsSingle());
        var kClean = kc & Vector256.Create(3);
        Vector256<float> v0 = At(kClean, 0, clean), v1 = At(kClean, 1, clean), v2 = At(kClean, 2, clean), v3 = At(kClean, 3, clean);
        if (meanPlace is not null)
        {
            var km = Avx.LoadVector256(meanPlace);
            var gMean = Avx.LoadVector256(gradMean);
            var fromMean = Avx.Multiply(gMean, Avx.LoadVector256(cdfAt));
            v0 += At(km, 0, fromMean); v1 += At(km, 1, fromMean); v2 += At(km, 2, fromMean); v3 += At(km, 3, fromMean);
            if (sTop is not null)
            {
                // Windows before `done` were summed by the previous, overlapping block.
                var fresh = Avx2.CompareGreaterThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) + Vector256.Create(first), Vector256.Create(done - 1));
                var s = Avx.And(Avx.Multiply(gMean, Avx.LoadVector256(pdfAt)), fresh.AsSingle());
                AddSpread(sTop, At(km, 0, s), At(km, 1, s));
                AddSpread(sBottom, At(km, 2, s), At(km, 3, s));
            }
        }
        StoreSpread(top, v0, v1);
        StoreSpread(bottom, v2, v3);
    }

    /// <summary>value where place == k, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> At(Vector256<int> place, int k, Vector256<float> value) =>
        Avx.And(value, Avx2.CompareEqual(place, Vector256.Create(k)).AsSingle());

    /// <summary>Stores (left0, right0, left1, right1, ..., left7, right7) at x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreSpread(float* x, Vector256<float> left, Vector256<float> right)
    {
        var (a, b) = Interleave(left, right);
        Avx.Store(x, a);
        Avx.Store(x + 8, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddSpread(float* x, Vector256<float> left, Vector256<float> right)
    {
        var (a, b) = Interleave(left, right);
        Avx.Store(x, Avx.Add(Avx.LoadVector256(x), a));
        Avx.Store(x + 8, Avx.Add(Avx.LoadVector256(x + 8), b));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector256<float>, Vector256<float>) Interleave(Vector256<float> left, Vector256<float> right)
    {
        // Per 128-bit lane [l0 r0 l1 r1 | l4 r4 l5 r5] and [l2 r2 l3 r3 | l6 r6 l7 r7]; then the lanes recombined.
        var low = Avx.UnpackLow(left, right);
        var high = Avx.UnpackHigh(left, right);
        return (Avx.Permute2x128(low, high, 0x20), Avx.Permute2x128(low, high, 0x31));
    }
}
