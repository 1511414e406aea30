using TorchSharp;

namespace RobustLab.Training.Runtime;

/// <summary>Thrown when libtorch cannot be loaded or the requested device does not exist; the message says what to do.</summary>
public sealed class TorchUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Loads TorchSharp once, turns load failures into one clear message, and resolves --device.</summary>
public static class TorchRuntime
{
    static readonly Lazy<Exception?> LoadError = new(TryLoad);

    /// <summary>Makes sure libtorch is loaded; throws <see cref="TorchUnavailableException"/> if it cannot be.</summary>
    public static void EnsureLoaded()
    {
        if (LoadError.Value is { } e)
            throw new TorchUnavailableException(
                "TorchSharp could not load its native library (libLibTorchSharp.so / libtorch). " +
                "On Debian 12 the build marks GLIBCXX_3.4.32 weak in the copy in the output folder: rebuild with " +
                "`dotnet build -c Release` (not a copy of another machine's output), or install a libstdc++ from GCC 13+. " +
                $"Cause: {Innermost(e).Message}", e);
    }

    /// <summary>
    /// Parses "cpu", "cuda" or "cuda:N" and checks that the device exists. CUDA needs the CUDA build
    /// (dotnet build -p:TorchBackend=cuda, see README) and a visible GPU.
    /// </summary>
    public static torch.Device ResolveDevice(string? name)
    {
        EnsureLoaded();
        string text = string.IsNullOrWhiteSpace(name) ? "cpu" : name.Trim().ToLowerInvariant();
        if (text == "cpu") return torch.CPU;
        if (text == "cuda" || text.StartsWith("cuda:"))
        {
            int index = 0;
            if (text.Length > 4 && (!int.TryParse(text[5..], out index) || index < 0))
                throw new ArgumentException($"device: '{name}' is not cpu, cuda or cuda:N.");
            if (!torch.cuda.is_available())
                throw new TorchUnavailableException(
                    $"device {text}: CUDA is not available here. This build uses the {(IsCudaBuild ? "CUDA" : "CPU-only")} " +
                    "TorchSharp package; build with -p:TorchBackend=cuda on a machine with an NVIDIA driver, or use --device cpu.");
            int count = torch.cuda.device_count();
            if (index >= count)
                throw new TorchUnavailableException($"device {text}: only {count} CUDA device(s) are visible (cuda:0..cuda:{count - 1}).");
            return torch.CUDA.index == index ? torch.CUDA : new torch.Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"device: '{name}' is not cpu, cuda or cuda:N.");
    }

    /// <summary>Uses every core for intra-op work unless told otherwise (the machine is the worker's).</summary>
    public static int ConfigureThreads(int? threads = null)
    {
        EnsureLoaded();
        int n = threads ?? Environment.ProcessorCount;
        torch.set_num_threads(n);
        return n;
    }

#if TORCH_CUDA
    static bool IsCudaBuild => true;
#else
    static bool IsCudaBuild => false;
#endif

    static Exception? TryLoad()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            using var probe = torch.zeros(1);
            return null;
        }
        catch (Exception e) { return e; }
    }

    static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
