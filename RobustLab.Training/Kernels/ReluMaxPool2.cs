using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace RobustLab.Training.Kernels;

/// <summary>
/// max_pool2d(relu(x), 2), the first ReLU and the 2x2 max-pool that LeNet's and AlexNet's Omega starts with, as one
/// CPU pass. libtorch's max_pool2d on NCHW float32 takes ~15% of a LeNet step here; this reads x once and writes the
/// pooled output and an int per window. Other devices and types use libtorch's ops. relu and max commute, so the
/// window maximum of x is found first; the gradient goes to it when it is positive, as relu's does.
/// </summary>
public sealed unsafe class ReluMaxPool2 : autograd.SingleTensorFunction<ReluMaxPool2>
{
    public override string Name => nameof(ReluMaxPool2);

    /// <summary>True where the fused kernel runs: a float32 CPU tensor (N, C, H, W) with even H and W.</summary>
    public static bool Supports(Tensor x) =>
        CpuKernel.IsCpuFloat(x) && x.dim() == 4 && x.shape[2] % 2 == 0 && x.shape[3] % 2 == 0 && x.numel() > 0;

    public static Tensor Apply(Tensor x) =>
        Supports(x) ? apply(x) : nn.functional.max_pool2d(nn.functional.relu(x), 2);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        using var x = ((Tensor)vars[0]).contiguous();
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var output = empty([n, c, h / 2, w / 2], ScalarType.Float32);
        var window = empty([n, c, h / 2, w / 2], ScalarType.Int32);
        var (pX, pOut, pWindow) = (CpuKernel.Address(x), CpuKernel.Address(output), CpuKernel.Address(window));
        Forward((float*)pX, (float*)pOut, (int*)pWindow, n * c, (int)h, (int)w);
        ctx.save_for_backward([window]);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var window = ctx.get_saved_variables()[0];
        var (n, c, h2, w2) = (window.shape[0], window.shape[1], window.shape[2], window.shape[3]);
        using var grad = gradOutput.contiguous();
        var gradX = empty([n, c, 2 * h2, 2 * w2], ScalarType.Float32);
        var (pGrad, pWindow, pGradX) = (CpuKernel.Address(grad), CpuKernel.Address(window), CpuKernel.Address(gradX));
        Backward((float*)pGrad, (int*)pWindow, (float*)pGradX, n * c, (int)h2, (int)w2);
        return [gradX];
    }

    /// <summary>Window code: bits 0-1 the first maximum's place (row-major in the 2x2 window), bit 2 set when it is positive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Forward(float* x, float* output, int* window, long planes, int h, int w)
    {
        int h2 = h / 2, w2 = w / 2;
        for (long plane = 0; plane < planes; plane++)
        {
            float* src = x + plane * h * w;
            long o = plane * h2 * w2;
            for (int i = 0; i < h2; i++, o += w2)
                MaxPoolRow.Run(src + 2 * i * w, src + (2 * i + 1) * w, w2, output + o, window + o, relu: true);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Backward(float* grad, int* window, float* gradX, long planes, int h2, int w2)
    {
        int w = 2 * w2;
        for (long plane = 0; plane < planes; plane++)
        {
            float* dst = gradX + plane * 4L * h2 * w2;
            long o = plane * h2 * w2;
            for (int i = 0; i < h2; i++, o += w2)
                MaxPoolRowGradient.Run(w2, dst + 2 * i * w, dst + (2 * i + 1) * w, grad + o, window + o);
        }
    }
}
