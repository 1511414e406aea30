namespace RobustLab.Training.Checkpoints;

/// <summary>
/// Replaces a file all at once: the content goes to a temp file in the same folder (same file system, so the final
/// rename is atomic), is flushed to disk, then moved over the target. A crash mid-write leaves the old file intact.
/// </summary>
public static class AtomicFile
{
    /// <summary>Marks temp files so that a crashed write's leftovers are recognisable.</summary>
    public const string TempSuffix = ".tmp";

    public static void Write(string path, Action<FileStream> write) =>
        WriteAsync(path, stream => { write(stream); return Task.CompletedTask; }).GetAwaiter().GetResult();

    /// <summary>The same for a writer that streams asynchronously (an upload, a download).</summary>
    public static async Task WriteAsync(string path, Func<FileStream, Task> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                await write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
}
