using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Kernels;

/// <summary>
/// Raw access for the fused CPU kernels. The kernels run on the calling thread: libtorch's OpenMP workers spin for a
/// while after each operation, and a .NET helper thread competing with them made a two-way split no faster on the
/// 2-core machines this project targets (measured: scratch runs of the LeNet step, both methods ~3% slower).
/// </summary>
static unsafe class CpuKernel
{
    /// <summary>A float32 tensor on the CPU of at most 2 GiB (Tensor.bytes, the view used here, is int-sized).</summary>
    public static bool IsCpuFloat(Tensor t) =>
        t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32 && t.numel() * 4L <= int.MaxValue;

    /// <summary>Address of a contiguous CPU tensor's first element: Tensor.bytes is a view of its storage, not a copy.</summary>
    public static nint Address(Tensor contiguous) => contiguous.numel() == 0
        ? 0
        : (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(contiguous.bytes));
}
