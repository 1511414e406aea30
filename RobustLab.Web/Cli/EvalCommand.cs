using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using RobustLab.Training.Attacks;
using RobustLab.Training.Certification;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Data;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Cli;

/// <summary>
/// <c>robustlab eval</c>: test accuracy, GNR and the moment metrics of a saved run folder, and with --attacks the
/// minimal adversarial perturbations of paper Table 1.
/// </summary>
public static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Run folder written by 'robustlab train' (holds run.json and model.dat).", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = "Data set to evaluate on (default: the one the run trained on)." };
        var testSubset = CliOptions.Int("--test-subset", "Evaluate on K test images (seeded shuffle).");
        var seed = CliOptions.Int("--seed", "Seed of the GNR noise and test subset (default: the run's seed).");
        var attacks = new Option<string?>("--attacks")
        {
            Description = $"Comma-separated attacks to run, or all: {string.Join(", ", AttackCatalog.Names)}.",
        };
        var corruptions = CorruptCommand.Corruptions();
        var samples = CliOptions.Int("--samples", "Test images the attacks draw (seeded); the correctly classified ones are attacked (default 100).");
        var certify = new Option<string?>("--certify")
        {
            Description = "Also certify by randomised smoothing, as 'robustlab certify' does (every k-th image of the full test set, " +
                          "sized by --n0, --n, --alpha, --images | --every, --batch, --vote-samples), at the run's training sigma or at " +
                          "the comma-separated sigmas given; writes certify-<sigma>.csv into the run folder.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var device = CliOptions.Device();
        var json = CliOptions.Json();
        var dataRoot = CliOptions.DataRoot();
        var command = new Command("eval", "Evaluate a trained run: accuracy and GNR (trapezoid and mean); --attacks adds minimal adversarial perturbations.")
        {
            checkpoint, dataset, testSubset, seed, attacks, samples, certify, corruptions, device, json, dataRoot,
        };
        var certifySizing = new CertificationCliOptions();
        certifySizing.AddTo(command);
        command.SetAction(parsed =>
        {
            string? datasetName = parsed.GetValue(dataset)?.Trim();
            if (datasetName is not null && !DatasetCatalog.Names.Contains(datasetName, StringComparer.OrdinalIgnoreCase))
                throw new UsageException($"--dataset: unknown data set '{datasetName}'; use one of {string.Join(", ", DatasetCatalog.Names)}.");
            int? subset = parsed.GetValue(testSubset);
            if (subset is < 1) throw new UsageException($"--test-subset must be >= 1 (got {subset}).");
            var attackOptions = AttackOptionsFrom(parsed.GetValue(attacks), parsed.GetValue(samples));
            bool certifying = parsed.GetResult(certify) is not null;
            if (!certifying && certifySizing.FirstGiven(parsed) is { } sizingOption)
                throw new UsageException($"{sizingOption}: only used with --certify; add --certify (or --certify SIGMAS).");
            var certifyRequest = !certifying ? null
                : new CertifyRequest(CertifyCommand.ParseSigmas(parsed.GetValue(certify) is { } list ? [list] : null, "--certify"),
                    certifySizing.Read(parsed));
            var corruptionNames = parsed.GetValue(corruptions) is { } names ? CorruptCommand.ParseCorruptions(names) : null;
            if (corruptionNames is not null && datasetName is not null)
                throw new UsageException("--corruptions: measured on the run's own data set; leave out --dataset (or use 'robustlab corrupt').");
            return Run(context, Path.GetFullPath(parsed.GetValue(checkpoint)!), datasetName?.ToLowerInvariant(), subset,
                parsed.GetValue(seed), attackOptions, certifyRequest, corruptionNames, CliOptions.DeviceName(parsed.GetValue(device)), parsed.GetValue(json),
                parsed.GetValue(dataRoot));
        });
        return command;
    }

    static AttackOptions? AttackOptionsFrom(string? names, int? samples)
    {
        if (names is null)
        {
            if (samples is not null) throw new UsageException("--samples: only used with --attacks; add --attacks all (or a list).");
            return null;
        }
        IReadOnlyList<string> parsed;
        try { parsed = AttackCatalog.Parse(names, "--attacks"); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var options = new AttackOptions { Attacks = parsed, Samples = samples ?? 100 };
        if (options.Samples is < 1 or > 10_000) throw new UsageException($"--samples must be in [1, 10000] (got {options.Samples}).");
        return options;
    }

    /// <summary>--certify was given: null sigmas means the run's training sigma.</summary>
    sealed record CertifyRequest(IReadOnlyList<double>? Sigmas, CertificationOptions Options);

    /// <summary>The folder exists and holds run.json and model.dat, else a runtime error (exit 1) naming it.</summary>
    internal static void CheckCheckpoint(string checkpointDir)
    {
        if (!Directory.Exists(checkpointDir))
            throw new CliRuntimeException($"--checkpoint: {checkpointDir} does not exist.");
        foreach (string file in new[] { "run.json", "model.dat" })
            if (!File.Exists(Path.Combine(checkpointDir, file)))
                throw new CliRuntimeException($"--checkpoint: {checkpointDir} has no {file}; point it at a finished run folder written by 'robustlab train'.");
    }

    static int Run(CliContext context, string checkpointDir, string? dataset, int? testSubset, int? seed, AttackOptions? attacks,
        CertifyRequest? certify, IReadOnlyList<string>? corruptions, string device, bool json, string? dataRoot)
    {
        CheckCheckpoint(checkpointDir);
        if (certify is not null) CertifyCommand.RequireSigmas(RunFolder.ReadRunJson(checkpointDir), certify.Sigmas, "--certify");
        var catalog = new DatasetCatalog(CliOptions.Locations(dataRoot));
        if (dataset is not null && catalog.Describe(dataset) is { Found: false } entry)
            throw new CliRuntimeException($"data set '{entry.Name}' is not on this machine (looked in {entry.Location}). To get it: {entry.HowToGet}");
        CommandLineApp.RequireTorch();

        var progress = new ProgressLine(context.Error, context.Interactive);
        progress.Update("evaluating: accuracy, GNR, moment gap", 0, force: true);
        var evaluation = seed is null ? null : new EvaluationOptions { Seed = seed.Value };
        if (attacks is not null) attacks = attacks with { Seed = seed ?? RunFolder.ReadRunJson(checkpointDir).Config.Seed };
        var metrics = RunPipeline.EvaluateCheckpoint(checkpointDir, catalog, dataset, testSubset, evaluation, device, context.Cancel,
            attacks, p => progress.Update($"attacking: {p.Attack} ({p.AttackIndex + 1}/{p.Attacks}) {p.Done}/{p.Total} images",
                (p.AttackIndex + (p.Total == 0 ? 1 : p.Done / (double)p.Total)) / p.Attacks));
        progress.Clear();
        if (corruptions is not null)
        {
            // The same images as accuracy and GNR: the same subset size and seed.
            var options = new CorruptionOptions { Corruptions = corruptions, Seed = metrics.Seed };
            metrics = metrics with { Corruptions = CorruptCommand.Measure(context, checkpointDir, catalog, testSubset, options, device, "corrupting") };
        }
        var certification = certify is null ? null
            : CertifyCommand.Execute(context, checkpointDir, dataset, certify.Sigmas, certify.Options, seed, device,
                dataRoot, "--certify");

        if (json)
        {
            var result = MetricsJson(metrics);
            result["checkpoint"] = checkpointDir;
            if (certification is not null) result["certification"] = CertifyCommand.ReportJson(certification, checkpointDir);
            CliJson.Write(context.Out, result);
        }
        else
        {
            context.Out.WriteLine($"checkpoint      {checkpointDir}");
            WriteSummary(context.Out, metrics);
            if (certification is not null)
            {
                context.Out.WriteLine();
                context.Out.WriteLine("certification (randomised smoothing)");
                CertifyCommand.WriteReport(context.Out, certification, checkpointDir);
            }
        }
        return ExitCodes.Ok;
    }

    /// <summary>testAccuracy, testImages, gnr (trapezoid), gnrMean, gnrCurve [{sigma, consistency}], moment metrics, seed.</summary>
    internal static JsonObject MetricsJson(EvaluationResult metrics) =>
        JsonSerializer.SerializeToNode(metrics, CliJson.Options)!.AsObject();

    internal static void WriteSummary(TextWriter o, EvaluationResult m)
    {
        o.WriteLine($"test accuracy   {m.TestAccuracy:0.0000} on {m.TestImages} images");
        o.WriteLine($"GNR             {m.Gnr:0.0000} (trapezoid area / sigma range over {m.GnrCurve.Count} sigmas in " +
                    $"[0, {(m.GnrCurve.Count > 0 ? m.GnrCurve[^1].Sigma : 0):0.###}]); mean over sigmas {m.GnrMean:0.0000}");
        o.WriteLine($"moment metrics  accuracy {m.MomentAccuracy:0.0000} at sigma {m.MomentSigma:0.###}; " +
                    $"gap {m.MomentGap:0.0000} ({m.MomentGapImages} images x {m.MomentGapSamples} samples)");
        o.WriteLine($"seed            {m.Seed}");
        if (m.Attacks is { } report) WriteAttacks(o, report);
        if (m.Corruptions is { } corruptions)
        {
            o.WriteLine();
            CorruptCommand.WriteReport(o, corruptions);
        }
    }

    /// <summary>Paper Table 1's attack columns: one row per attack, minimal perturbations over the fooled images.</summary>
    internal static void WriteAttacks(TextWriter o, AttackReport report)
    {
        o.WriteLine();
        o.WriteLine($"attacks         {report.Attacked} correctly classified of {report.Samples} sampled test images, seed {report.Seed}");
        o.WriteLine($"  {"attack",-11} {"success",8} {"median L2",10} {"median Linf",12} {"median MSE",11} {"mean MSE",10} {"seconds",8}");
        foreach (var a in report.Attacks)
            o.WriteLine($"  {a.Attack,-11} {a.SuccessRate,8:P1} {a.L2.Median,10:G4} {a.Linf.Median,12:G4} {a.Mse.Median,11:G4} {a.Mse.Mean,10:G4} {a.Seconds,8:F1}");
        o.WriteLine("  (distances over the images each attack fooled; MSE is Foolbox's mean squared distance, pixels in [0, 1])");
    }
}
