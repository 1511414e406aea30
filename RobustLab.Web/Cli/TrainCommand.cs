using System.CommandLine;
using System.Text.Json.Nodes;
using RobustLab.Training.Attacks;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Cli;

/// <summary>
/// <c>robustlab train</c>: one run into --out (model.dat, model.safetensors, run.json). Ctrl+C stops between batches;
/// re-running the same command with the same --out resumes after the last finished epoch.
/// </summary>
public static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var dataset = new Option<string>("--dataset") { Description = $"Data set: {string.Join(", ", DatasetCatalog.Names)}.", Required = true };
        var model = new Option<string>("--model") { Description = $"Architecture: {string.Join(", ", ModelFactory.Architectures)}.", DefaultValueFactory = _ => "lenet" };
        var method = new Option<string>("--method") { Description = $"Training method: {string.Join(", ", TrainingMethods.Names)}.", DefaultValueFactory = _ => "baseline" };
        var sigma = CliOptions.Double("--sigma", $"Noise standard deviation in pixel units (images in [0, 1]), in [0, {TrainingLimits.MaxSigma}] (every method but the baseline).");
        var alpha = CliOptions.Double("--alpha", $"Weight of the moment regularizer term, in [0, {TrainingLimits.MaxAlpha}] (regularizer).");
        var copies = CliOptions.Int("--copies", $"N~: noisy copies of each image per epoch, in [0, {TrainingLimits.MaxCopies}] (augmentation).");
        var lambda = CliOptions.Double("--lambda", $"Weight of the divergence term, in [0, {TrainingLimits.MaxLambda}] (stability, default {TrainingOptions.DefaultStabilityLambda}; consistency, default {TrainingOptions.DefaultConsistencyLambda}).");
        var consistencyCopies = CliOptions.Int("--consistency-copies", $"m: noisy copies of each image per step, in [1, {TrainingLimits.MaxConsistencyCopies}] (consistency, default {TrainingOptions.DefaultConsistencyCopies}).");
        var eta = CliOptions.Double("--eta", $"Weight of the entropy of the copies' mean prediction, in [0, {TrainingLimits.MaxEta}] (consistency, default {TrainingOptions.DefaultEta}).");
        var regularizerForm = new Option<string?>("--regularizer-form") { Description = "additive (default): CE(clean) + alpha CE(mean); mixed: (1 - alpha) CE(clean) + alpha CE(mean), alpha in (0, 1] (regularizer)." };
        var regularizerTarget = new Option<string?>("--regularizer-target") { Description = "What the mean path is scored against: labels (default) or predictions, the network's own clean softmax (regularizer)." };
        var gamma = CliOptions.Double("--gamma", "Share of a batch's images that also get one noisy copy on the clean path, in [0, 1] (regularizer, default 0).");
        var epochs = CliOptions.Int("--epochs", $"Maximum epochs, in [1, {TrainingLimits.MaxEpochs}] (default: the paper's protocol, 100).");
        var trainSubset = CliOptions.Int("--train-subset", $"Use K training images, a random subset drawn from --seed (before the 10% validation split), in [{TrainingLimits.MinTrainSubset}, {TrainingLimits.MaxSubset}].");
        var testSubset = CliOptions.Int("--test-subset", "Evaluate on K test images (seeded shuffle).");
        var batchSize = CliOptions.Int("--batch-size", $"Batch size, in [1, {TrainingLimits.MaxBatchSize}] (default: the protocol's, 1000 for LeNet, 128 for AlexNet).");
        var lr = CliOptions.Double("--lr", $"Learning rate, in (0, {TrainingLimits.MaxLearningRate}] (default: the protocol's).");
        var seed = CliOptions.Int("--seed", "Seed for weights, splits, noise and GNR (default 0).");
        var attacks = new Option<string?>("--attacks") { Description = $"Attacks to run after training, comma-separated or all: {string.Join(", ", AttackCatalog.Names)}." };
        var attackSamples = CliOptions.Int("--attack-samples", "Test images the attacks draw (default 100).");
        var device = CliOptions.Device();
        var output = new Option<string>("--out")
        {
            Description = "Run folder (created; a run there of the same configuration resumes, or is reported when finished; " +
                          "a run of another configuration is refused unless --overwrite).",
            Required = true,
        };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a run of another configuration in --out (its weights, run.json and resume state)." };
        var json = CliOptions.Json();
        var dataRoot = CliOptions.DataRoot();

        var command = new Command("train", "Train one network and evaluate it (accuracy, GNR, moment gap).")
        {
            dataset, model, method, sigma, alpha, copies, lambda, consistencyCopies, eta, regularizerForm, regularizerTarget, gamma, epochs, trainSubset, testSubset, batchSize, lr, seed, attacks, attackSamples, device, output, overwrite, json, dataRoot,
        };
        command.SetAction(parsed =>
        {
            var problems = new List<string>();
            string datasetName = parsed.GetValue(dataset)!.Trim();
            if (!DatasetCatalog.Names.Contains(datasetName, StringComparer.OrdinalIgnoreCase))
                problems.Add($"--dataset: unknown data set '{datasetName}'; use one of {string.Join(", ", DatasetCatalog.Names)}.");
            string modelName = parsed.GetValue(model)!.Trim().ToLowerInvariant();
            if (!ModelFactory.Architectures.Contains(modelName))
                problems.Add($"--model: unknown model '{modelName}'; use one of {string.Join(", ", ModelFactory.Architectures)}.");
            TrainingMethod trainingMethod = TrainingMethod.Baseline;
            string methodName = parsed.GetValue(method)!.Trim();
            try { trainingMethod = TrainingMethods.Parse(methodName); }
            catch (ArgumentException)
            {
                problems.Add($"--method: unknown method '{methodName}'; use one of {string.Join(", ", TrainingMethods.Names)}.");
            }

            T Variant<T>(Option<string?> option, string name) where T : struct, Enum
            {
                if (parsed.GetValue(option) is not { } text) return default;
                try { return RegularizerVariantNames.Parse<T>(text, name); }
                catch (ArgumentException e) { problems.Add(e.Message); return default; }
            }
            var form = Variant<RegularizerForm>(regularizerForm, "--regularizer-form");
            var target = Variant<RegularizerTarget>(regularizerTarget, "--regularizer-target");

            IReadOnlyList<string> attackNames = [];
            if (parsed.GetValue(attacks) is { } attackText)
            {
                try { attackNames = AttackCatalog.Parse(attackText, "--attacks"); }
                catch (ArgumentException e) { problems.Add(e.Message); }
            }
            else if (parsed.GetValue(attackSamples) is not null)
                problems.Add("--attack-samples: only used with --attacks; add --attacks all (or a list).");

            var options = new TrainingOptions
            {
                Dataset = datasetName.ToLowerInvariant(), Model = modelName, Method = trainingMethod,
                Sigma = parsed.GetValue(sigma) ?? 0, Alpha = parsed.GetValue(alpha) ?? 0, Copies = parsed.GetValue(copies) ?? 0,
                Lambda = parsed.GetValue(lambda), ConsistencyCopies = parsed.GetValue(consistencyCopies) ?? TrainingOptions.DefaultConsistencyCopies,
                Eta = parsed.GetValue(eta) ?? TrainingOptions.DefaultEta, RegularizerForm = form, RegularizerTarget = target,
                Gamma = parsed.GetValue(gamma) ?? 0,
                Epochs = parsed.GetValue(epochs), TrainSubset = parsed.GetValue(trainSubset), TestSubset = parsed.GetValue(testSubset),
                BatchSize = parsed.GetValue(batchSize), LearningRate = parsed.GetValue(lr), Seed = parsed.GetValue(seed) ?? 0,
                Device = CliOptions.DeviceName(parsed.GetValue(device)),
                Attacks = attackNames, AttackSamples = parsed.GetValue(attackSamples) ?? 100,
            };
            // The ranges are TrainingOptions' (TrainingLimits), the same as the API's and the form's.
            if (problems.Count == 0) problems.AddRange(options.Problems().Select(p => $"--{p}"));
            if (problems.Count > 0) throw new UsageException(string.Join(" ", problems));

            return Run(context, options, FullPath(parsed.GetValue(output)!), parsed.GetValue(overwrite), parsed.GetValue(json), parsed.GetValue(dataRoot));
        });
        return command;
    }

    static string FullPath(string path)
    {
        try { return Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"--out: '{path}' is not a usable path ({CommandLineApp.OneLine(e.Message)}).");
        }
    }

    static int Run(CliContext context, TrainingOptions options, string runDir, bool overwrite, bool json, string? dataRoot)
    {
        var catalog = new DatasetCatalog(CliOptions.Locations(dataRoot));
        var entry = catalog.Describe(options.Dataset);
        if (!entry.Found)
            throw new CliRuntimeException($"data set '{entry.Name}' is not on this machine (looked in {entry.Location}). To get it: {entry.HowToGet}");
        if (OutFolder.Prepare(runDir, options, overwrite) == OutFolderState.Finished)
        {
            // The same command again: nothing left to train; report the finished run as the first time.
            if (!json) context.Error.WriteLine($"{runDir} already holds this run, finished; its results follow (add --overwrite to train it again).");
            return Report(context, options, RunFolder.ReadRunJson(runDir), runDir, json);
        }
        CommandLineApp.RequireTorch();

        var progress = new ProgressLine(context.Error, context.Interactive);
        int lastEpoch = 0;
        void Log(string line) { if (context.Interactive) progress.Log(line); else if (!json) context.Error.WriteLine(line); }
        var callbacks = new RunCallbacks(
            OnEpoch: report =>
            {
                lastEpoch = report.Epoch;
                Log($"epoch {report.Epoch}/{report.Epochs}  loss {report.TrainLoss:0.0000}  train acc {report.TrainAccuracy:0.0000}  " +
                    $"val loss {report.ValidationLoss:0.0000}  val acc {report.ValidationAccuracy:0.0000}  lr {report.LearningRate:0.######}  " +
                    $"{report.Seconds:0.0}s  {report.ImagesPerSecond:0} img/s{(report.IsBest ? "  *best" : "")}");
            },
            OnBatch: batch => progress.Update(
                $"epoch {batch.Epoch}/{batch.Epochs}  batch {batch.Batch}/{batch.Batches}",
                (batch.Epoch - 1 + (double)batch.Batch / batch.Batches) / batch.Epochs),
            OnStage: stage =>
            {
                if (stage == RunStage.Evaluating) progress.Update("evaluating: accuracy, GNR, moment gap", 1, force: true);
            },
            OnStageFailed: (stage, message) => Log(stage.FailedLine(message) + " (the trained run is saved)"),
            OnAttack: p => progress.Update($"attacking: {p.Attack} ({p.AttackIndex + 1}/{p.Attacks}) {p.Done}/{p.Total} images",
                (p.AttackIndex + (p.Total == 0 ? 1 : p.Done / (double)p.Total)) / p.Attacks));

        RunRecord record;
        try
        {
            record = RunPipeline.Execute(options, catalog, runDir, callbacks, context.Cancel);
        }
        catch (OperationCanceledException)
        {
            progress.Clear();
            context.Error.WriteLine(
                $"cancelled{(lastEpoch > 0 ? $" after epoch {lastEpoch}" : "")}; the run folder is {runDir}. " +
                "Re-run the same command with the same --out to resume.");
            return ExitCodes.Cancelled;
        }
        catch (TrainingDivergedException e)
        {
            progress.Clear();
            throw new CliRuntimeException(e.Message, e);
        }
        progress.Clear();
        return Report(context, options, record, runDir, json);
    }

    static int Report(CliContext context, TrainingOptions options, RunRecord record, string runDir, bool json)
    {
        var metrics = record.Metrics!;
        if (json)
        {
            var result = EvalCommand.MetricsJson(metrics);
            result["epochs"] = System.Text.Json.JsonSerializer.SerializeToNode(record.Epochs, CliJson.Options);
            result["runDir"] = runDir;
            result["secondsPerEpoch"] = record.SecondsPerEpoch;
            result["stopReason"] = record.StopReason;
            result["bestEpoch"] = record.BestEpoch;
            result["trainImages"] = record.TrainImages;
            result["validationImages"] = record.ValidationImages;
            result["threads"] = record.Threads;
            CliJson.Write(context.Out, result);
            return ExitCodes.Ok;
        }

        var o = context.Out;
        o.WriteLine($"run folder      {runDir}");
        o.WriteLine($"trained         {options.Method.Name()} {options.Model} on {options.Dataset}: {record.Epochs.Count} epochs " +
                    $"(stopped: {record.StopReason}, best epoch {record.BestEpoch}), {record.SecondsPerEpoch:0.0} s/epoch");
        EvalCommand.WriteSummary(o, metrics);
        return ExitCodes.Ok;
    }
}
