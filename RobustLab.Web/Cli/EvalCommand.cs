using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using RobustLab.Training.Data;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Training;

namespace RobustLab.Web.Cli;

/// <summary><c>robustlab eval</c>: test accuracy, GNR and the moment metrics of a saved run folder.</summary>
public static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Run folder written by 'robustlab train' (holds run.json and model.dat).", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = "Data set to evaluate on (default: the one the run trained on)." };
        var testSubset = CliOptions.Int("--test-subset", "Evaluate on K test images (seeded shuffle).");
        var seed = CliOptions.Int("--seed", "Seed of the GNR noise and test subset (default: the run's seed).");
        var device = CliOptions.Device();
        var json = CliOptions.Json();
        var dataRoot = CliOptions.DataRoot();
        var command = new Command("eval", "Evaluate a trained run: accuracy and GNR (trapezoid and mean).")
        {
            checkpoint, dataset, testSubset, seed, device, json, dataRoot,
        };
        command.SetAction(parsed =>
        {
            string? datasetName = parsed.GetValue(dataset)?.Trim();
            if (datasetName is not null && !DatasetCatalog.Names.Contains(datasetName, StringComparer.OrdinalIgnoreCase))
                throw new UsageException($"--dataset: unknown data set '{datasetName}'; use one of {string.Join(", ", DatasetCatalog.Names)}.");
            int? subset = parsed.GetValue(testSubset);
            if (subset is < 1) throw new UsageException($"--test-subset must be >= 1 (got {subset}).");
            return Run(context, Path.GetFullPath(parsed.GetValue(checkpoint)!), datasetName?.ToLowerInvariant(), subset,
                parsed.GetValue(seed), CliOptions.DeviceName(parsed.GetValue(device)), parsed.GetValue(json), parsed.GetValue(dataRoot));
        });
        return command;
    }

    static int Run(CliContext context, string checkpointDir, string? dataset, int? testSubset, int? seed, string device, bool json, string? dataRoot)
    {
        if (!Directory.Exists(checkpointDir))
            throw new CliRuntimeException($"--checkpoint: {checkpointDir} does not exist.");
        foreach (string file in new[] { "run.json", "model.dat" })
            if (!File.Exists(Path.Combine(checkpointDir, file)))
                throw new CliRuntimeException($"--checkpoint: {checkpointDir} has no {file}; point it at a finished run folder written by 'robustlab train'.");
        var catalog = new DatasetCatalog(CliOptions.Locations(dataRoot));
        if (dataset is not null && catalog.Describe(dataset) is { Found: false } entry)
            throw new CliRuntimeException($"data set '{entry.Name}' is not on this machine (looked in {entry.Location}). To get it: {entry.HowToGet}");
        CommandLineApp.RequireTorch();

        var progress = new ProgressLine(context.Error, context.Interactive);
        progress.Update("evaluating: accuracy, GNR, moment gap", 0, force: true);
        var evaluation = seed is null ? null : new EvaluationOptions { Seed = seed.Value };
        var metrics = RunPipeline.EvaluateCheckpoint(checkpointDir, catalog, dataset, testSubset, evaluation, device, context.Cancel);
        progress.Clear();

        if (json)
        {
            var result = MetricsJson(metrics);
            result["checkpoint"] = checkpointDir;
            CliJson.Write(context.Out, result);
        }
        else
        {
            context.Out.WriteLine($"checkpoint      {checkpointDir}");
            WriteSummary(context.Out, metrics);
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
    }
}
