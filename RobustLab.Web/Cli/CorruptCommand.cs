using System.CommandLine;
using System.Text.Json;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Data;

namespace RobustLab.Web.Cli;

/// <summary>
/// <c>robustlab corrupt</c>: accuracy and calibration of a saved run under common corruptions (CIFAR-10-C and MNIST-C
/// definitions, generated from the clean test set), per corruption and severity; with --baseline also mCE.
/// </summary>
public static class CorruptCommand
{
    public static Command Create(CliContext context)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Run folder written by 'robustlab train' (holds run.json and model.dat).", Required = true };
        var corruptions = Corruptions();
        var severities = new Option<string?>("--severities") { Description = "Severities: a range like 1-5 (default), one number, or a list 1,3,5." };
        var baseline = new Option<string?>("--baseline") { Description = "Run folder of the reference network for mCE (Hendrycks's corruption error); the same images and seed are used." };
        var testSubset = CliOptions.Int("--test-subset", "Evaluate on K test images (seeded shuffle; default: the run's own test subset).");
        var seed = CliOptions.Int("--seed", "Seed of the test subset and of every corruption's random draws (default: the run's seed).");
        var device = CliOptions.Device();
        var json = CliOptions.Json();
        var dataRoot = CliOptions.DataRoot();
        var command = new Command("corrupt", "Accuracy, ECE and NLL of a trained run under common corruptions at severities 1-5.")
        {
            checkpoint, corruptions, severities, baseline, testSubset, seed, device, json, dataRoot,
        };
        command.SetAction(parsed =>
        {
            var names = ParseCorruptions(parsed.GetValue(corruptions) ?? "all");
            IReadOnlyList<int> levels;
            try { levels = CorruptionCatalog.ParseSeverities(parsed.GetValue(severities) ?? "1-5", "--severities"); }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            int? subset = parsed.GetValue(testSubset);
            if (subset is < 1) throw new UsageException($"--test-subset must be >= 1 (got {subset}).");
            string deviceName = CliOptions.DeviceName(parsed.GetValue(device));
            string dir = RequireRunFolder(parsed.GetValue(checkpoint)!, "--checkpoint");
            string? baselineDir = parsed.GetValue(baseline) is { } b ? RequireRunFolder(b, "--baseline") : null;
            var catalog = new DatasetCatalog(CliOptions.Locations(parsed.GetValue(dataRoot)));
            CommandLineApp.RequireTorch();

            var record = RunFolder.ReadRunJson(dir);
            var options = new CorruptionOptions { Corruptions = names, Severities = levels, Seed = parsed.GetValue(seed) ?? record.Config.Seed };
            int? images = subset ?? record.Config.TestSubset;
            var report = Measure(context, dir, catalog, images, options, deviceName, "corrupting");
            if (baselineDir is not null)
            {
                string baselineData = RunFolder.ReadRunJson(baselineDir).Config.Dataset;
                if (!string.Equals(baselineData, record.Config.Dataset, StringComparison.OrdinalIgnoreCase))
                    throw new UsageException($"--baseline: {baselineDir} was trained on {baselineData}, the checkpoint on {record.Config.Dataset}; mCE compares runs of one data set.");
                var reference = Measure(context, baselineDir, catalog, images, options, deviceName, "corrupting the baseline");
                report = report with { Errors = MeanCorruptionError.Against(report, reference, baselineDir) };
            }
            if (parsed.GetValue(json))
            {
                var result = JsonSerializer.SerializeToNode(report, CliJson.Options)!.AsObject();
                result["checkpoint"] = dir;
                CliJson.Write(context.Out, result);
            }
            else
            {
                context.Out.WriteLine($"checkpoint      {dir}");
                WriteReport(context.Out, report);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The --corruptions option (eval has it too).</summary>
    internal static Option<string?> Corruptions() => new("--corruptions")
    {
        Description = $"Comma-separated corruptions, or all (default): {string.Join(", ", CorruptionCatalog.Names)}.",
    };

    internal static IReadOnlyList<string> ParseCorruptions(string text)
    {
        try { return CorruptionCatalog.Parse(text, "--corruptions"); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    internal static CorruptionReport Measure(CliContext context, string dir, DatasetCatalog catalog, int? testSubset, CorruptionOptions options,
        string device, string label)
    {
        var progress = new ProgressLine(context.Error, context.Interactive);
        progress.Update(label, 0, force: true);
        var report = CorruptionSuite.EvaluateCheckpoint(dir, catalog, testSubset, options, device,
            p => progress.Update($"{label}: {p.Corruption} severity {p.Severity} ({p.Done}/{p.Total})", p.Done / (double)p.Total), context.Cancel);
        progress.Clear();
        return report;
    }

    static string RequireRunFolder(string path, string option)
    {
        string dir = Path.GetFullPath(path);
        if (!Directory.Exists(dir)) throw new CliRuntimeException($"{option}: {dir} does not exist.");
        foreach (string file in new[] { "run.json", "model.dat" })
            if (!File.Exists(Path.Combine(dir, file)))
                throw new CliRuntimeException($"{option}: {dir} has no {file}; point it at a finished run folder written by 'robustlab train'.");
        return dir;
    }

    /// <summary>Corruption x severity accuracies, the mean corruption accuracy, ECE and NLL (clean and per corruption).</summary>
    internal static void WriteReport(TextWriter o, CorruptionReport r)
    {
        o.WriteLine($"images          {r.Images} test images, seed {r.Seed}, {r.Seconds:F1} s");
        o.WriteLine($"clean           accuracy {r.CleanAccuracy:0.0000}, ECE {r.Clean.Ece:0.0000}, NLL {r.Clean.Nll:0.0000}");
        o.WriteLine();
        string header = string.Concat(r.Severities.Select(s => $" {"s" + s,7}"));
        o.WriteLine($"  {"corruption",-17}{header} {"mean",7} {"ECE",7} {"NLL",7}");
        foreach (var c in r.Corruptions)
        {
            string cells = string.Concat(c.Severities.Select(s => $" {s.Accuracy,7:0.0000}"));
            o.WriteLine($"  {c.Corruption,-17}{cells} {c.MeanAccuracy,7:0.0000} {c.Severities.Average(s => s.Ece),7:0.0000} {c.Severities.Average(s => s.Nll),7:0.000}");
        }
        o.WriteLine("  (accuracy per severity; ECE (15 bins) and NLL are means over the severities)");
        o.WriteLine();
        o.WriteLine($"mean corruption accuracy {r.MeanCorruptionAccuracy:0.0000}");
        if (r.Errors is { } e)
            o.WriteLine($"mCE             {e.Mce:0.000} (relative mCE {e.RelativeMce:0.000}) against {e.Baseline}");
    }
}
