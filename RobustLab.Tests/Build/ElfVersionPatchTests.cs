using System.Reflection;
using RobustLab.Build;
using RobustLab.Tests.Loop;

namespace RobustLab.Tests.Build;

/// <summary>The build step that lets TorchSharp's native library load on Debian 12 (build/ElfVersionPatch.cs).</summary>
public class ElfVersionPatchTests
{
    const string Version = "GLIBCXX_3.4.32";
    static readonly string[] Marker = ["_ZSt21ios_base_library_initv"];

    static string PristineLibrary()
    {
        string root = typeof(ElfVersionPatchTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "NuGetPackageRoot").Value!;
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"{path} is missing: run dotnet restore");
        return path;
    }

    static ElfVersionPatch.NeededVersion Needed(string path) =>
        ElfVersionPatch.ReadNeededVersions(File.ReadAllBytes(path)).Single(v => v.Name == Version);

    [Fact]
    public void Package_library_needs_GLIBCXX_3_4_32_only_for_the_link_time_marker()
    {
        var elf = File.ReadAllBytes(PristineLibrary());
        var needed = ElfVersionPatch.ReadNeededVersions(elf).Single(v => v.Name == Version);
        Assert.Equal("libstdc++.so.6", needed.File);
        Assert.Equal(Marker, ElfVersionPatch.SymbolsOfVersion(elf, needed.Index));
    }

    [Fact]
    public void Patch_sets_only_the_weak_flag_and_is_idempotent()
    {
        using var folder = new TempFolder();
        string copy = folder.Sub("libLibTorchSharp.so");
        File.Copy(PristineLibrary(), copy);
        var before = File.ReadAllBytes(copy);
        Assert.False(Needed(copy).IsWeak);

        Assert.Equal(PatchOutcome.Patched, ElfVersionPatch.MarkWeakIfHostLacks(copy, Version, new HashSet<string>(), Marker));
        var after = File.ReadAllBytes(copy);
        Assert.True(Needed(copy).IsWeak);
        Assert.Equal(before.Length, after.Length);
        Assert.Single(Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]));

        Assert.Equal(PatchOutcome.AlreadyWeak, ElfVersionPatch.MarkWeakIfHostLacks(copy, Version, new HashSet<string>(), Marker));
        Assert.Equal(after, File.ReadAllBytes(copy));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Host_that_has_the_version_leaves_the_library_untouched()
    {
        using var folder = new TempFolder();
        string copy = folder.Sub("libLibTorchSharp.so");
        File.Copy(PristineLibrary(), copy);
        var host = new HashSet<string> { "GLIBCXX_3.4.30", Version };
        Assert.Equal(PatchOutcome.HostHasVersion, ElfVersionPatch.MarkWeakIfHostLacks(copy, Version, host, Marker));
        Assert.False(Needed(copy).IsWeak);
    }

    [Fact]
    public void Patch_refuses_when_real_symbols_use_the_version()
    {
        using var folder = new TempFolder();
        string copy = folder.Sub("libLibTorchSharp.so");
        File.Copy(PristineLibrary(), copy);
        var e = Assert.Throws<InvalidOperationException>(() =>
            ElfVersionPatch.MarkWeakIfHostLacks(copy, Version, new HashSet<string>(), allowedSymbols: []));
        Assert.Contains("_ZSt21ios_base_library_initv", e.Message);
        Assert.False(Needed(copy).IsWeak);
    }

    [Fact]
    public void Patch_replaces_the_file_so_a_hard_linked_package_cache_is_never_modified()
    {
        using var folder = new TempFolder();
        string cache = folder.Sub("cache.so"), output = folder.Sub("output.so");
        File.Copy(PristineLibrary(), cache);
        Assert.Equal(0, Link(cache, output));
        ElfVersionPatch.MarkWeakIfHostLacks(output, Version, new HashSet<string>(), Marker);
        Assert.True(Needed(output).IsWeak);
        Assert.False(Needed(cache).IsWeak);
    }

    [Fact]
    public void Build_output_is_patched_exactly_when_the_host_lacks_the_version_and_the_cache_is_not()
    {
        string output = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        var host = ElfVersionPatch.HostLibstdcxxVersions();
        Assert.NotNull(host);
        Assert.Equal(!host!.Contains(Version), Needed(output).IsWeak);
        Assert.False(Needed(PristineLibrary()).IsWeak);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    static extern int Link(string existing, string newPath);
}
