using System.Runtime.CompilerServices;

namespace RobustLab.Training.Kernels;

/// <summary>The 2x2 max-pool window, in libtorch's order: the first maximum in row-major order wins ties.</summary>
static class Window
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ArgMax(float topLeft, float topRight, float bottomLeft, float bottomRight, out float max)
    {
        // Branch-free (conditional moves): on real activations the winner is unpredictable, and mispredicted
        // branches made this loop slower than libtorch's.
        bool b = topRight > topLeft || float.IsNaN(topRight);
        int k = b ? 1 : 0;
        float m = b ? topRight : topLeft;
        b = bottomLeft > m || float.IsNaN(bottomLeft);
        k = b ? 2 : k;
        m = b ? bottomLeft : m;
        b = bottomRight > m || float.IsNaN(bottomRight);
        k = b ? 3 : k;
        max = b ? bottomRight : m;
        return k;
    }

    /// <summary>Offset of window place k (0..3) from the window's top-left element in a row of width w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Offset(int k, int w) => (k >> 1) * w + (k & 1);

    /// <summary>value where keep is true, else +0, without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Keep(float value, bool keep) =>
        BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(value) & -(keep ? 1 : 0));
}
