using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;

namespace RobustLab.Training.Runtime;

/// <summary>
/// What a long-lived process (serve with its in-process workers) does between runs so that memory does not ratchet up:
/// the managed heap is collected and compacted (a run's data arrays live on the large-object heap, which is not
/// compacted by default), finalizers run (they free the native memory of any tensor a run did not dispose), and glibc
/// returns the freed pages of its arenas to the system (libtorch allocates through malloc from many threads, and the
/// arenas otherwise keep their high-water mark).
/// </summary>
public static class ProcessMemory
{
    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    /// <summary>Collects, compacts and trims; takes tens of milliseconds, so call it once per run, not per batch.</summary>
    public static void Release()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try { MallocTrim(0); } catch (EntryPointNotFoundException) { } catch (DllNotFoundException) { }
        }
    }

    /// <summary>Resident memory of this process in MiB, after <see cref="Release"/>: what it holds, not what allocators cache.</summary>
    public static double ResidentMiBAfterRelease()
    {
        Release();
        return ResidentMiB(Environment.ProcessId);
    }

    /// <summary>Resident memory of a process in MiB (VmRSS on Linux), without collecting anything.</summary>
    public static double ResidentMiB(int processId)
    {
        using var process = Process.GetProcessById(processId);
        process.Refresh();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }
}
