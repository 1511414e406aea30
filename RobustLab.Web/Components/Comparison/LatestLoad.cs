namespace RobustLab.Web.Components.Comparison;

/// <summary>
/// Keeps only the newest of a page's overlapping loads. A user who picks another data set while a slow load of the old
/// one is still running must not see that old load land last and overwrite the newer choice.
/// </summary>
public sealed class LatestLoad
{
    int _version;

    /// <summary>Runs <paramref name="load"/>; Current is false when a newer load started meanwhile (drop the value).</summary>
    public async Task<(bool Current, T Value)> RunAsync<T>(Func<Task<T>> load)
    {
        int mine = Interlocked.Increment(ref _version);
        var value = await load();
        return (mine == Volatile.Read(ref _version), value);
    }
}
