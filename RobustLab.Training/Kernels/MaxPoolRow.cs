using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RobustLab.Training.Kernels;

/// <summary>
/// One output row of a 2x2, stride-2 max-pool: for each window the maximum and its place k (0..3, row-major, the first
/// maximum winning ties as in libtorch). With AVX2 eight windows at a time and no branches: the winner of real
/// activations is unpredictable, and the mispredicted branches of a scalar loop made it slower than libtorch.
/// </summary>
static unsafe class MaxPoolRow
{
    /// <summary>
    /// Place bit set, when <c>relu</c> is, where relu passes the gradient: the maximum is positive (or NaN). The output
    /// is then max(0, maximum).
    /// </summary>
    public const int PositiveBit = 4;

    /// <summary>Windows j in [0, windows): inputs top[2j], top[2j+1], bottom[2j], bottom[2j+1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* top, float* bottom, int windows, float* max, int* place, bool relu)
    {
        if (Avx2.IsSupported && windows >= 8)
        {
            // Blocks of 8 windows; the last block overlaps the one before when 8 does not divide the row.
            for (int j = 0; ; j += 8)
            {
                if (j + 8 > windows) j = windows - 8;
                Eight(top + 2 * j, bottom + 2 * j, max + j, place + j, relu);
                if (j + 8 == windows) return;
            }
        }
        for (int j = 0; j < windows; j++)
        {
            int k = Window.ArgMax(top[2 * j], top[2 * j + 1], bottom[2 * j], bottom[2 * j + 1], out float m);
            if (relu && !(m <= 0)) k |= PositiveBit;
            max[j] = relu ? Math.Max(m, 0) : m;
            place[j] = k;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Eight(float* top, float* bottom, float* max, int* place, bool relu)
    {
        var (topLeft, topRight) = Deinterleave(top);
        var (bottomLeft, bottomRight) = Deinterleave(bottom);
        var m = topLeft;
        var k = Vector256<int>.Zero;
        Take(ref m, ref k, topRight, 1);
        Take(ref m, ref k, bottomLeft, 2);
        Take(ref m, ref k, bottomRight, 3);
        if (relu)
        {
            // relu passes the gradient unless the input is <= 0 (so also for NaN, as libtorch's threshold_backward).
            var positive = Avx.CompareNotLessThanOrEqual(m, Vector256<float>.Zero).AsInt32();
            k |= positive & Vector256.Create(PositiveBit);
            m = Avx.Max(Vector256<float>.Zero, m);   // maxps returns its second operand for NaN: NaN stays NaN
        }
        m.Store(max);
        k.Store(place);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Take(ref Vector256<float> m, ref Vector256<int> k, Vector256<float> candidate, int at)
    {
        // As libtorch: a candidate wins when greater or NaN, so NaN propagates.
        var greater = Avx.Or(Avx.CompareGreaterThan(candidate, m), Avx.CompareUnordered(candidate, candidate));
        m = Avx.BlendVariable(m, candidate, greater);
        k = Avx.BlendVariable(k.AsSingle(), Vector256.Create(at).AsSingle(), greater).AsInt32();
    }

    /// <summary>16 floats x0..x15 as (x0, x2, ..., x14) and (x1, x3, ..., x15).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector256<float> Even, Vector256<float> Odd) Deinterleave(float* x)
    {
        var a = Avx.LoadVector256(x);
        var b = Avx.LoadVector256(x + 8);
        // Per 128-bit lane [a0 a2 b0 b2 | a4 a6 b4 b6]; then 64-bit blocks reordered to [a0 a2 a4 a6 b0 b2 b4 b6].
        var even = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
        var odd = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
        return (even, odd);
    }
}
