using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Runtime;

/// <summary>
/// Seeded draws that work on every device. TorchSharp 0.107 always makes a CPU generator, whatever device it is given
/// (dotnet/TorchSharp#1194), and libtorch refuses a CPU generator for a CUDA draw; so generators live on the CPU, draw
/// there and the noise moves to the device. On the CPU nothing is copied, and a seed gives the same numbers everywhere.
/// </summary>
public static class SeededNoise
{
    public static Generator Generator(ulong seed) => new(seed, CPU);

    /// <summary>N(0, 1) noise of this shape on <paramref name="device"/>.</summary>
    public static Tensor Normal(ReadOnlySpan<long> shape, Generator generator, Device device) =>
        OnDevice(randn(shape.ToArray(), generator: generator), device);

    /// <summary>U[0, 1) noise of this shape on <paramref name="device"/>.</summary>
    public static Tensor Uniform(ReadOnlySpan<long> shape, Generator generator, Device device) =>
        OnDevice(rand(shape.ToArray(), generator: generator), device);

    /// <summary>Poisson counts with the given rates (any shape, any device), drawn on the CPU and moved to the rates' device.</summary>
    public static Tensor Poisson(Tensor rate, Generator generator)
    {
        if (rate.device.type == DeviceType.CPU) return poisson(rate, generator);
        using var cpuRate = rate.cpu();
        return OnDevice(poisson(cpuRate, generator), rate.device);
    }

    static Tensor OnDevice(Tensor cpu, Device device)
    {
        if (device.type == DeviceType.CPU) return cpu;
        using (cpu) return cpu.to(device);
    }
}
