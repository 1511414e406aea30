using System.Text.Json;
using System.Text.Json.Nodes;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Cli;

/// <summary>What <c>train --out</c> found in its folder.</summary>
public enum OutFolderState
{
    /// <summary>Nothing of a run (missing or empty folder, or --overwrite cleared it): train from the start.</summary>
    Fresh,
    /// <summary>An unfinished run of this configuration: resume after its last finished epoch.</summary>
    Resume,
    /// <summary>A finished run of this configuration: nothing to train; its results are reported.</summary>
    Finished,
}

/// <summary>
/// The rules for <c>train --out</c>: the folder must be a folder this process can write; a run already there is
/// resumed (or, finished, reported) only when its configuration is this command's; any other run there is refused,
/// naming what differs, unless --overwrite asks to replace it. --overwrite removes only a run's own files.
/// </summary>
public static class OutFolder
{
    const string Option = "--out";

    public static OutFolderState Prepare(string path, TrainingOptions options, bool overwrite)
    {
        if (File.Exists(path))
            throw new UsageException($"{Option}: {path} is a file; give a folder for the run (it is created when missing).");
        string stateDir = Path.Combine(path, RunPipeline.StateFolder);
        var existing = Directory.Exists(path) ? Existing(path, stateDir) : null;
        if (existing is { } found && found.Options != options)
        {
            if (!overwrite)
                throw new UsageException(
                    $"{Option}: {path} holds {(found.Finished ? "a finished" : "an unfinished")} run of a different configuration " +
                    $"({Differences(found.Options, options)}); choose another folder, or add --overwrite to replace that run.");
            Clear(path, stateDir);
            existing = null;
        }
        else if (existing is not null && overwrite)
        {
            Clear(path, stateDir);
            existing = null;
        }
        CheckWritable(path);
        return existing switch
        {
            null => OutFolderState.Fresh,
            { Finished: true } => OutFolderState.Finished,
            _ => OutFolderState.Resume,
        };
    }

    sealed record Found(TrainingOptions Options, bool Finished);

    /// <summary>The run in the folder: its resume state when unfinished, else its run.json; null when there is none.</summary>
    static Found? Existing(string path, string stateDir)
    {
        try
        {
            if (ResumeState.TryRead(stateDir) is { } state) return new(state.Options, Finished: false);
            if (!File.Exists(Path.Combine(path, RunFolder.RunJsonFile))) return null;
            var record = RunFolder.ReadRunJson(path);
            bool finished = record.Metrics is not null && record.FinishedAt is not null && !Directory.Exists(stateDir);
            return new(record.Config, finished);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{Option}: {path} holds a run that cannot be read ({CommandLineApp.OneLine(e.Message)}); " +
                "choose another folder, or add --overwrite to replace it.");
        }
    }

    /// <summary>"lr 0.001 there, 1E+30 here; sigma 0 there, 0.5 here": the fields that differ, in run.json's words.</summary>
    static string Differences(TrainingOptions there, TrainingOptions here)
    {
        var a = JsonSerializer.SerializeToNode(there, RunJson.Options)!.AsObject();
        var b = JsonSerializer.SerializeToNode(here, RunJson.Options)!.AsObject();
        var fields = a.Select(p => p.Key).Union(b.Select(p => p.Key))
            .Where(k => !JsonNode.DeepEquals(a[k], b[k]))
            .Select(k => $"{k} {Text(a[k])} there, {Text(b[k])} here");
        return string.Join("; ", fields);
    }

    static string Text(JsonNode? node) => node is null ? "unset" : node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    /// <summary>Removes a run's own files (weights, run.json, resume state), never anything else in the folder.</summary>
    static void Clear(string path, string stateDir)
    {
        try
        {
            foreach (string file in new[] { RunFolder.ModelDatFile, RunFolder.SafetensorsFile, RunFolder.RunJsonFile })
                File.Delete(Path.Combine(path, file));
            if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{Option}: cannot replace the run in {path} ({CommandLineApp.OneLine(e.Message)}).");
        }
    }

    /// <summary>Creates the folder and writes a probe file, so a folder that cannot hold a run fails before training, naming --out.</summary>
    static void CheckWritable(string path)
    {
        string probe = Path.Combine(path, $".robustlab-write-test-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(path);
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new UsageException($"{Option}: cannot write the run folder {path} ({Reason(e)}); give a folder you can write.");
        }
    }

    static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        DirectoryNotFoundException => "a parent folder is missing",
        _ => CommandLineApp.OneLine(e.Message),
    };
}
