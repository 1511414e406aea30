using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RobustLab.Training.Certification;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;

namespace RobustLab.Web.Cli;

/// <summary>
/// <c>robustlab certify</c>: randomised-smoothing certification of a saved run (docs/method.md, section "Certified
/// robustness"): certified accuracy versus L2 radius, ACR, certified AUC, abstain rate, majority-vote robustness and
/// the per-image rows, which also go to certify-&lt;sigma&gt;.csv in the run folder.
/// </summary>
public static class CertifyCommand
{
    public static Command Create(CliContext context)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Run folder written by 'robustlab train' (holds run.json and model.dat).", Required = true };
        var sigma = new Option<string[]>("--sigma")
        {
            Description = "Noise level(s) in [0, 1] pixel units: repeat the option or give a comma-separated list (default: the run's " +
                          "training sigma; a baseline run must be given one).",
            AllowMultipleArgumentsPerToken = true,
        };
        var sizing = new CertificationCliOptions();
        var seed = CliOptions.Int("--seed", "Seed of the noise (default: the run's seed).");
        var device = CliOptions.Device();
        var json = CliOptions.Json();
        var dataRoot = CliOptions.DataRoot();
        var command = new Command("certify",
            "Certify a trained run by randomised smoothing (Cohen et al. 2019): certified accuracy per L2 radius, ACR, certified AUC, " +
            "abstain rate and majority-vote robustness. Writes the per-image rows to certify-<sigma>.csv in the run folder " +
            "(replacing an earlier one).")
        {
            checkpoint, sigma,
        };
        sizing.AddTo(command);
        foreach (var option in new Option[] { seed, device, json, dataRoot }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var sigmas = ParseSigmas(parsed.GetValue(sigma), "--sigma");
            var options = sizing.Read(parsed);
            string dir = Path.GetFullPath(parsed.GetValue(checkpoint)!);
            var report = Execute(context, dir, null, sigmas, options, parsed.GetValue(seed), CliOptions.DeviceName(parsed.GetValue(device)),
                parsed.GetValue(dataRoot), "--sigma");
            if (parsed.GetValue(json))
            {
                var result = ReportJson(report, dir);
                result["checkpoint"] = dir;
                CliJson.Write(context.Out, result);
            }
            else
            {
                context.Out.WriteLine($"checkpoint      {dir}");
                WriteReport(context.Out, report, dir);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Sigmas from repeated and comma-separated values; null when none were given (then the run's own sigma).</summary>
    internal static IReadOnlyList<double>? ParseSigmas(IEnumerable<string>? values, string option)
    {
        var tokens = (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (tokens.Count == 0) return null;
        return tokens.Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 && double.IsFinite(s)
            ? s : throw new UsageException($"{option}: '{t}' is not a number > 0.")).Distinct().ToArray();
    }

    /// <summary>A run certification for both verbs: checks the folder and data, runs, writes the CSVs, reports progress.</summary>
    internal static CheckpointCertificationReport Execute(CliContext context, string checkpointDir, string? dataset,
        IReadOnlyList<double>? sigmas, CertificationOptions options, int? seed, string device, string? dataRoot, string sigmaOption)
    {
        EvalCommand.CheckCheckpoint(checkpointDir);
        var record = RunFolder.ReadRunJson(checkpointDir);
        RequireSigmas(record, sigmas, sigmaOption);
        var catalog = new DatasetCatalog(CliOptions.Locations(dataRoot));
        if (catalog.Describe(dataset ?? record.Config.Dataset) is { Found: false } entry)
            throw new CliRuntimeException($"data set '{entry.Name}' is not on this machine (looked in {entry.Location}). To get it: {entry.HowToGet}");
        CommandLineApp.RequireTorch();

        var progress = new ProgressLine(context.Error, context.Interactive);
        var report = CheckpointCertification.Run(checkpointDir, catalog, dataset, sigmas, options with { Seed = seed ?? record.Config.Seed },
            device, p => progress.Update($"certifying at sigma {p.Sigma:0.###}: image {p.ImagesDone}/{p.Images}",
                p.Samples == 0 ? 1 : p.SamplesDone / (double)p.Samples), context.Cancel);
        progress.Clear();
        foreach (var certification in report.Certifications)
            CertificationCsv.WriteFile(CsvPath(checkpointDir, certification.Sigma), certification.Rows);
        return report;
    }

    /// <summary>A baseline run has no training sigma to default to: a usage error naming the option unless sigmas were given.</summary>
    internal static void RequireSigmas(RunRecord record, IReadOnlyList<double>? sigmas, string sigmaOption)
    {
        try { CheckpointCertification.ResolveSigmas(sigmas, record.Config.Sigma); }
        catch (ArgumentException)
        {
            throw new UsageException($"{sigmaOption}: this run was trained without noise (sigma 0); give the sigma to certify at, e.g. {sigmaOption} 0.25.");
        }
    }

    static string CsvPath(string checkpointDir, double sigma) => Path.Combine(checkpointDir, CertificationCsv.FileName(sigma));

    /// <summary>dataset, testImages, trainingSigma, certifications [{sigma, ..., summary, majorityVote, rows, csv}], majorityVoteCurve.</summary>
    internal static JsonObject ReportJson(CheckpointCertificationReport report, string checkpointDir)
    {
        var json = JsonSerializer.SerializeToNode(report, CliJson.Options)!.AsObject();
        foreach (var (node, certification) in json["certifications"]!.AsArray().Zip(report.Certifications))
            node!["csv"] = CsvPath(checkpointDir, certification.Sigma);
        return json;
    }

    internal static void WriteReport(TextWriter o, CheckpointCertificationReport report, string checkpointDir)
    {
        var first = report.Certifications[0];
        o.WriteLine($"data set        {report.Dataset}: {first.Summary.Images} of {report.TestImages} test images (every {Ordinal(first.Every)})");
        foreach (var c in report.Certifications)
        {
            var s = c.Summary;
            o.WriteLine();
            o.WriteLine($"sigma {c.Sigma:0.###}       n0 {c.N0}, n {c.N}, alpha {c.Alpha}, seed {c.Seed}");
            o.WriteLine("  certified accuracy  " + string.Join("  ", s.AtRadii.Select(p => $"r={p.Radius:0.##}: {p.Accuracy:0.000}")));
            o.WriteLine($"  ACR {s.AverageCertifiedRadius:0.0000}   certified AUC {s.CertifiedAuc:0.0000} (area on [0, {CertificationSummary.MaxRadius}])   " +
                        $"abstain rate {s.AbstainRate:0.000}");
            o.WriteLine($"  majority vote       {c.MajorityVote.Robustness:0.000} ({c.MajorityVoteSamples} samples per image keep the clean prediction)");
            o.WriteLine($"  {c.SamplesPerSecond:0} noisy samples/s, {c.Seconds:0.0} s" +
                        $"; per-image rows in {CsvPath(checkpointDir, c.Sigma)}");
        }
        o.WriteLine();
        o.WriteLine("majority vote over sigma: " + string.Join("  ", report.MajorityVoteCurve
            .Where((_, i) => i % 5 == 0 || i == report.MajorityVoteCurve.Count - 1).Select(p => $"{p.Sigma:0.###}: {p.Robustness:0.000}")));
    }

    static string Ordinal(int k) => k switch { 1 => "image", 2 => "2nd image", 3 => "3rd image", _ => $"{k}th image" };
}
