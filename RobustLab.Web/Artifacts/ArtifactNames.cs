namespace RobustLab.Web.Artifacts;

/// <summary>
/// The one rule for artifact names: a path relative to the run folder, '/'-separated, of 1 to 200 characters from
/// [A-Za-z0-9._-] and '/', with no empty, "." or ".." segment. Names come from code (file names the trainer and jobs
/// write), never from a request, but the rule keeps a corrupted row from naming a path outside a run folder.
/// </summary>
public static class ArtifactNames
{
    public const int MaxLength = 200;

    /// <summary>Null when <paramref name="name"/> is valid, else why not.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "an artifact name is empty";
        if (name.Length > MaxLength) return $"artifact name '{name[..40]}...' is longer than {MaxLength} characters";
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/'))
                return $"artifact name '{name}' has the character '{c}'; use letters, digits, '.', '_', '-' and '/'";
        foreach (string segment in name.Split('/'))
            if (segment is "" or "." or "..")
                return $"artifact name '{name}' has an empty, '.' or '..' segment";
        return null;
    }

    public static void Require(string name)
    {
        if (Problem(name) is { } problem) throw new ArgumentException(problem, nameof(name));
    }

    /// <summary>The artifact's file under a local run folder.</summary>
    public static string LocalPath(string runDir, string name)
    {
        Require(name);
        return Path.Combine(runDir, name.Replace('/', Path.DirectorySeparatorChar));
    }

    /// <summary>The artifact name of a file under a local run folder.</summary>
    public static string FromLocalPath(string runDir, string path) =>
        Path.GetRelativePath(runDir, path).Replace(Path.DirectorySeparatorChar, '/');
}
