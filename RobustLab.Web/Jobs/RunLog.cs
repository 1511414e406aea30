using System.Diagnostics;
using System.Globalization;
using System.Text;
using RobustLab.Training.Attacks;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The run's own log, <c>{run folder}/run.log</c>: one timestamped line per status change, finished epoch and error,
/// appended as they happen by the worker that trains the run. The run detail page shows its tail. Writing it never fails
/// a run: a log line that cannot be written is reported to the process log and dropped.
/// </summary>
public sealed class RunLog(string runDir, ILogger logger)
{
    public const string FileName = "run.log";

    readonly object _gate = new();

    public string Path { get; } = System.IO.Path.Combine(runDir, FileName);

    /// <summary>The log of the run whose folder is <paramref name="runDir"/>.</summary>
    public static string PathFor(string runDir) => System.IO.Path.Combine(runDir, FileName);

    public void Write(string message)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z {message}\n");
        try
        {
            lock (_gate)
            {
                Directory.CreateDirectory(runDir);
                File.AppendAllText(Path, line, Encoding.UTF8);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not write to the run log {Path}; the run goes on.", Path);
        }
    }

    public void Status(RunStatus status, string? detail = null) =>
        Write(detail is null ? $"status {status.Name()}" : $"status {status.Name()}: {detail}");

    public void Epoch(EpochReport r) => Write(string.Create(CultureInfo.InvariantCulture,
        $"epoch {r.Epoch}/{r.Epochs}: train loss {r.TrainLoss:F4}, train accuracy {100 * r.TrainAccuracy:F2}%, " +
        $"validation loss {r.ValidationLoss:F4}, validation accuracy {100 * r.ValidationAccuracy:F2}%, lr {r.LearningRate:G3}, " +
        $"{r.Seconds:F1} s, {r.ImagesPerSecond:F0} images/s{(r.IsBest ? ", best so far" : "")}"));

    public void Error(string message) => Write("error: " + message);

    /// <summary>Seconds between two progress lines of one attack (its start and end are always written).</summary>
    public static readonly TimeSpan AttackLineInterval = TimeSpan.FromSeconds(10);

    readonly Stopwatch _sinceAttackLine = new();

    public void AttacksStarted(IReadOnlyList<string> attacks, int samples) => Write(string.Create(CultureInfo.InvariantCulture,
        $"attacking: {string.Join(", ", attacks)} on the correctly classified among {samples} test images"));

    /// <summary>"attacking: pgd 40/97 images (attack 1 of 4)": at the start and end of each attack, and every <see cref="AttackLineInterval"/> between.</summary>
    public void Attack(AttackProgress p)
    {
        bool edge = p.Done == 0 || p.Done >= p.Total;
        if (!edge && _sinceAttackLine.IsRunning && _sinceAttackLine.Elapsed < AttackLineInterval) return;
        _sinceAttackLine.Restart();
        Write(string.Create(CultureInfo.InvariantCulture, $"attacking: {p.Attack} {p.Done}/{p.Total} images (attack {p.AttackIndex + 1} of {p.Attacks})"));
    }

    /// <summary>"attacks finished: fgsm fooled 9 of 9, median MSE 0.00123; gaussian fooled none of 9".</summary>
    public static string AttacksFinishedLine(AttackReport report) => "attacks finished: " + string.Join("; ", report.Attacks.Select(a =>
        a.Succeeded == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{a.Attack} fooled none of {a.Attacked}")
            : string.Create(CultureInfo.InvariantCulture, $"{a.Attack} fooled {a.Succeeded} of {a.Attacked}, median MSE {a.Mse.Median:G3}")));

    /// <summary>
    /// The last <paramref name="lines"/> lines of the run's log (reading at most its last <paramref name="maxBytes"/>),
    /// or null when this machine has no log for the run (not started yet, or trained by a worker elsewhere).
    /// </summary>
    public static IReadOnlyList<string>? Tail(string? runDir, int lines = 200, int maxBytes = 64 * 1024)
    {
        if (string.IsNullOrWhiteSpace(runDir)) return null;
        string path = PathFor(runDir);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            long start = Math.Max(0, stream.Length - maxBytes);
            stream.Seek(start, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            // A read that starts mid-file starts mid-line: drop the partial first line.
            var whole = start > 0 && all.Length > 0 ? all[1..] : all;
            return whole.Length > lines ? whole[^lines..] : whole;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
