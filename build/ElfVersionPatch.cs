// Marks a version-needed entry of an ELF shared library weak (VER_FLG_WEAK in .gnu.version_r), so that
// glibc loads the library on a host whose libstdc++ lacks that version. Used by the build (as an MSBuild
// inline task, see Directory.Build.targets) on libLibTorchSharp.so, which names GLIBCXX_3.4.32 only for
// the link-time marker _ZSt21ios_base_library_initv; the tests compile this file directly.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace RobustLab.Build
{
    public enum PatchOutcome { Patched, AlreadyWeak, NotNeeded, HostHasVersion }

    public static class ElfVersionPatch
    {
        const uint ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff, ShtDynsym = 11;
        const ushort VerFlgWeak = 0x2;

        // Plain classes, not records: MSBuild compiles this file against netstandard2.0.
        public sealed class Section
        {
            public Section(string name, uint type, long offset, long size, uint link, uint info)
            { Name = name; Type = type; Offset = offset; Size = size; Link = link; Info = info; }
            public string Name { get; } public uint Type { get; } public long Offset { get; } public long Size { get; }
            public uint Link { get; } public uint Info { get; }
        }

        /// <summary>A version a library needs: its file (e.g. libstdc++.so.6), name, flags, and where its flags sit.</summary>
        public sealed class NeededVersion
        {
            public NeededVersion(string file, string name, ushort flags, ushort index, long flagsOffset)
            { File = file; Name = name; Flags = flags; Index = index; FlagsOffset = flagsOffset; }
            public string File { get; } public string Name { get; } public ushort Flags { get; } public ushort Index { get; }
            public long FlagsOffset { get; }
            public bool IsWeak => (Flags & VerFlgWeak) != 0;
        }

        public static IReadOnlyList<Section> ReadSections(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF is supported");
            long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
            int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
            int shstrndx = BitConverter.ToUInt16(elf, 0x3E);
            if (shoff <= 0 || shoff + (long)shentsize * shnum > elf.Length)
                throw new InvalidDataException("section header table lies outside the file (truncated?)");
            var raw = new List<(uint name, uint type, long off, long size, uint link, uint info)>();
            for (int i = 0; i < shnum; i++)
            {
                int p = checked((int)(shoff + (long)i * shentsize));
                raw.Add((BitConverter.ToUInt32(elf, p), BitConverter.ToUInt32(elf, p + 4),
                    (long)BitConverter.ToUInt64(elf, p + 24), (long)BitConverter.ToUInt64(elf, p + 32),
                    BitConverter.ToUInt32(elf, p + 40), BitConverter.ToUInt32(elf, p + 44)));
            }
            long strOff = raw[shstrndx].off;
            return raw.Select(r => new Section(CString(elf, strOff + r.name), r.type, r.off, r.size, r.link, r.info)).ToList();
        }

        public static IReadOnlyList<NeededVersion> ReadNeededVersions(byte[] elf)
        {
            var sections = ReadSections(elf);
            var verneed = sections.FirstOrDefault(s => s.Type == ShtGnuVerneed);
            if (verneed is null) return Array.Empty<NeededVersion>();
            long strtab = sections[(int)verneed.Link].Offset;
            var result = new List<NeededVersion>();
            long p = verneed.Offset;
            for (uint i = 0; i < verneed.Info; i++)
            {
                int cnt = BitConverter.ToUInt16(elf, (int)p + 2);
                string file = CString(elf, strtab + BitConverter.ToUInt32(elf, (int)p + 4));
                long a = p + BitConverter.ToUInt32(elf, (int)p + 8);
                for (int j = 0; j < cnt; j++)
                {
                    ushort flags = BitConverter.ToUInt16(elf, (int)a + 4), other = BitConverter.ToUInt16(elf, (int)a + 6);
                    string name = CString(elf, strtab + BitConverter.ToUInt32(elf, (int)a + 8));
                    result.Add(new NeededVersion(file, name, flags, other, a + 4));
                    a += BitConverter.ToUInt32(elf, (int)a + 12);
                }
                uint next = BitConverter.ToUInt32(elf, (int)p + 12);
                if (next == 0) break;
                p += next;
            }
            return result;
        }

        /// <summary>The version names a library defines (.gnu.version_d), e.g. GLIBCXX_3.4.30 for libstdc++.</summary>
        public static ISet<string> ReadDefinedVersions(byte[] elf)
        {
            var sections = ReadSections(elf);
            var verdef = sections.FirstOrDefault(s => s.Type == ShtGnuVerdef);
            var names = new HashSet<string>();
            if (verdef is null) return names;
            long strtab = sections[(int)verdef.Link].Offset;
            long p = verdef.Offset;
            for (uint i = 0; i < verdef.Info; i++)
            {
                long aux = p + BitConverter.ToUInt32(elf, (int)p + 12);
                names.Add(CString(elf, strtab + BitConverter.ToUInt32(elf, (int)aux)));
                uint next = BitConverter.ToUInt32(elf, (int)p + 16);
                if (next == 0) break;
                p += next;
            }
            return names;
        }

        /// <summary>Dynamic symbols bound to a given version index (.gnu.version entries equal to index).</summary>
        public static IReadOnlyList<string> SymbolsOfVersion(byte[] elf, ushort index)
        {
            var sections = ReadSections(elf);
            var dynsym = sections.FirstOrDefault(s => s.Type == ShtDynsym);
            var versym = sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
            if (dynsym is null || versym is null) return Array.Empty<string>();
            long strtab = sections[(int)dynsym.Link].Offset;
            long count = dynsym.Size / 24;
            var names = new List<string>();
            for (long i = 0; i < count; i++)
            {
                ushort v = (ushort)(BitConverter.ToUInt16(elf, (int)(versym.Offset + 2 * i)) & 0x7fff);
                if (v != index) continue;
                names.Add(CString(elf, strtab + BitConverter.ToUInt32(elf, (int)(dynsym.Offset + 24 * i))));
            }
            return names;
        }

        /// <summary>
        /// Marks <paramref name="version"/> weak in <paramref name="libraryPath"/> if the host libstdc++ lacks it and
        /// only link-time markers (<paramref name="allowedSymbols"/>) use it. Rewrites through a temporary file and a
        /// rename, so a hard link into a package cache is never modified. Idempotent.
        /// </summary>
        public static PatchOutcome MarkWeakIfHostLacks(string libraryPath, string version, ISet<string>? hostVersions,
            IReadOnlyCollection<string> allowedSymbols)
        {
            if (hostVersions is not null && hostVersions.Contains(version)) return PatchOutcome.HostHasVersion;
            byte[] elf = File.ReadAllBytes(libraryPath);
            var needed = ReadNeededVersions(elf).Where(n => n.Name == version).ToList();
            if (needed.Count == 0) return PatchOutcome.NotNeeded;
            if (needed.All(n => n.IsWeak)) return PatchOutcome.AlreadyWeak;
            foreach (var n in needed)
            {
                var users = SymbolsOfVersion(elf, n.Index).Where(s => !allowedSymbols.Contains(s)).ToList();
                if (users.Count > 0)
                    throw new InvalidOperationException(
                        $"{Path.GetFileName(libraryPath)} uses {version} for real symbols ({string.Join(", ", users.Take(3))}); " +
                        "marking it weak would not be safe. Install a libstdc++ from GCC 13 or newer instead.");
                ushort flags = (ushort)(n.Flags | VerFlgWeak);
                elf[n.FlagsOffset] = (byte)flags;
                elf[n.FlagsOffset + 1] = (byte)(flags >> 8);
            }
            // Copy first (keeps the file mode), overwrite the copy, then rename it over the original.
            string temp = libraryPath + ".patching";
            File.Copy(libraryPath, temp, overwrite: true);
            File.WriteAllBytes(temp, elf);
            File.Delete(libraryPath);
            File.Move(temp, libraryPath);
            return PatchOutcome.Patched;
        }

        /// <summary>Versions defined by the first libstdc++.so.6 found in the loader's usual places; null if none found.</summary>
        public static ISet<string>? HostLibstdcxxVersions()
        {
            var dirs = (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries)
                .Concat(new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib" });
            foreach (var dir in dirs)
            {
                string path = Path.Combine(dir, "libstdc++.so.6");
                if (File.Exists(path)) return ReadDefinedVersions(File.ReadAllBytes(path));
            }
            return null;
        }

        static string CString(byte[] data, long offset)
        {
            int start = checked((int)offset), end = start;
            while (end < data.Length && data[end] != 0) end++;
            return Encoding.ASCII.GetString(data, start, end - start);
        }
    }

#if !ROBUSTLAB_NO_MSBUILD
    /// <summary>MSBuild entry point: patches each given library in the output folder.</summary>
    public class MarkGlibcxxVersionWeak : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();
        public string Version { get; set; } = "GLIBCXX_3.4.32";
        public string AllowedSymbols { get; set; } = "_ZSt21ios_base_library_initv";

        public override bool Execute()
        {
            var host = ElfVersionPatch.HostLibstdcxxVersions();
            var allowed = AllowedSymbols.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries);
            foreach (var item in Libraries)
            {
                try
                {
                    var outcome = ElfVersionPatch.MarkWeakIfHostLacks(item.ItemSpec, Version, host, allowed);
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"{item.ItemSpec}: {outcome}");
                }
                catch (Exception e)
                {
                    Log.LogWarning($"Could not mark {Version} weak in {item.ItemSpec}: {e.Message}");
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
