using RobustLab.Training.Runtime;

namespace RobustLab.Tests.Build;

public class TorchRuntimeTests
{
    [Fact]
    public void Libtorch_loads_in_the_build_output()
    {
        TorchRuntime.EnsureLoaded();
        using var t = TorchSharp.torch.ones(2, 2);
        Assert.Equal(4f, t.sum().item<float>());
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    public void Cuda_on_a_cpu_only_build_is_refused_with_what_to_do(string device)
    {
        if (TorchSharp.torch.cuda.is_available()) return; // a CUDA machine: nothing to refuse
        var e = Assert.Throws<TorchUnavailableException>(() => TorchRuntime.ResolveDevice(device));
        Assert.Contains("device", e.Message);
        Assert.Contains("TorchBackend=cuda", e.Message);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void Malformed_device_names_are_refused(string device)
    {
        var e = Assert.Throws<ArgumentException>(() => TorchRuntime.ResolveDevice(device));
        Assert.Contains("device", e.Message);
    }
}
