using System.CommandLine;
using RobustLab.Training.Benchmarks;
using RobustLab.Training.Data;
using RobustLab.Training.Runtime;

namespace RobustLab.Web.Cli;

/// <summary>
/// <c>robustlab bench</c>: seconds per training step and clean images per second for the three methods (LeNet) and for
/// ResNet-20's baseline and regulariser, plus memory, and
/// plain inference against certification throughput.
/// </summary>
public static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        var steps = CliOptions.Int("--steps", "Timed steps per method after 3 warm-up steps (default 20).");
        var skipMemory = new Option<bool>("--skip-memory") { Description = "Skip the memory measurements (10 epochs in this process; 10 runs through a serve process)." };
        var device = CliOptions.Device();
        var json = CliOptions.Json();
        var dataRoot = CliOptions.DataRoot();
        var command = new Command("bench", "Time a LeNet training step (batch 128) for baseline, regularizer and augmentation N~=21, " +
            "the same for ResNet-20's baseline and regularizer, " +
            "and LeNet inference against certification (noisy samples classified per second, batch 1000).")
        {
            steps, skipMemory, device, json, dataRoot,
        };
        command.SetAction(parsed =>
        {
            int n = parsed.GetValue(steps) ?? 20;
            if (n < 1) throw new UsageException($"--steps must be >= 1 (got {n}).");
            return Run(context, n, parsed.GetValue(skipMemory), CliOptions.DeviceName(parsed.GetValue(device)),
                parsed.GetValue(json), parsed.GetValue(dataRoot));
        });
        return command;
    }

    static int Run(CliContext context, int steps, bool skipMemory, string deviceName, bool json, string? dataRoot)
    {
        CommandLineApp.RequireTorch();
        var device = ResolveDevice(deviceName);
        int threads = TorchRuntime.ConfigureThreads();
        var progress = new ProgressLine(context.Error, context.Interactive);
        var bench = new StepBenchmark(steps);

        progress.Update("training steps: baseline, regularizer, augmentation N~=21 in interleaved rounds", 0, force: true);
        var (baseline, regularizer, augmentation) = bench.MeasureAll(device);
        context.Cancel.ThrowIfCancellationRequested();
        progress.Update("training steps of ResNet-20: baseline and regularizer", 0.1, force: true);
        var (resnetBaseline, resnetRegularizer) = bench.MeasureModel("resnet20", device);
        progress.Update("training steps: baseline, gaussian, stability, consistency m=2 in interleaved rounds", 0.1, force: true);
        var noise = bench.MeasureNoiseMethods(device);
        double Ratio(StepTiming t) => t.SecondsPerCleanImage / noise.Baseline.SecondsPerCleanImage;
        context.Cancel.ThrowIfCancellationRequested();
        progress.Update("inference and certification throughput", 0.2, force: true);
        var throughput = new CertifyBenchmark().Measure(device, context.Cancel);
        progress.Update("a full evaluation of 2,000 images against plain inference", 0.25, force: true);
        var evaluation = new EvaluationBenchmark().Measure(device, ct: context.Cancel);
        progress.Update($"memory: {MemoryBenchmark.Epochs} epochs on {MemoryBenchmark.TrainImages} images", 0.3, force: true);
        var catalog = new DatasetCatalog(CliOptions.Locations(dataRoot));
        var memory = skipMemory ? null : MemoryBenchmark.Measure(catalog, deviceName, context.Cancel);
        var serve = skipMemory || !catalog.Describe(ServeMemoryBenchmark.Dataset).Found ? null
            : ServeMemoryBenchmark.MeasureAsync(dataRoot,
                run => progress.Update($"memory: run {run} of {ServeMemoryBenchmark.Runs} through robustlab serve", 0.4 + 0.06 * run, force: true),
                context.Cancel).GetAwaiter().GetResult();
        progress.Clear();

        var report = BenchmarkReport.From(baseline, regularizer, augmentation, memory, threads, deviceName, 128) with
        {
            InferenceImagesPerSecond = throughput.InferenceImagesPerSecond,
            CertifyImagesPerSecond = throughput.CertifyImagesPerSecond,
            CertifyToInferenceRatio = throughput.Ratio,
            EvaluationImagesPerSecond = evaluation.EvaluationImagesPerSecond,
            EvaluationSecondsFor2000 = evaluation.EvaluationSeconds,
            EvaluationToInferenceRatio = evaluation.Ratio,
            InferenceToBaselineTrainingRatio = throughput.InferenceImagesPerSecond / baseline.CleanImagesPerSecond,
            ServeRssMiBAfterRuns = serve,
            ResNet20Baseline = resnetBaseline,
            ResNet20Regularizer = resnetRegularizer,
            RatioResNet20RegularizerToBaseline = resnetRegularizer.SecondsPerCleanImage / resnetBaseline.SecondsPerCleanImage,
            RatioGaussianToBaseline = Ratio(noise.Gaussian),
            RatioStabilityToBaseline = Ratio(noise.Stability),
            RatioConsistency2ToBaseline = Ratio(noise.Consistency),
        };
        if (skipMemory) report = report with { MemoryNote = "skipped (--skip-memory)." };
        if (json)
        {
            CliJson.Write(context.Out, report);
            return ExitCodes.Ok;
        }
        var o = context.Out;
        o.WriteLine($"LeNet 1x28x28, batch 128, {steps} timed steps, {threads} threads, {deviceName}");
        void Row(string name, StepTiming t, double ratio) =>
            o.WriteLine($"{name,-24} {t.SecondsPerStep * 1000,9:0.00} ms/step  {t.CleanImagesPerSecond,10:0} clean img/s  x{ratio:0.00} s per clean image vs baseline");
        Row("baseline", baseline, 1);
        Row("regularizer (s=0.5,a=1)", regularizer, report.RatioRegularizerToBaseline);
        Row("augmentation N~=21", augmentation, report.RatioAugmentation21ToBaseline);
        Row("resnet20 baseline", resnetBaseline, 1);
        Row("resnet20 regularizer", resnetRegularizer, report.RatioResNet20RegularizerToBaseline!.Value);
        Row("gaussian (s=0.5)", noise.Gaussian, Ratio(noise.Gaussian));
        Row("stability (lambda=2)", noise.Stability, Ratio(noise.Stability));
        Row("consistency (m=2)", noise.Consistency, Ratio(noise.Consistency));
        o.WriteLine($"inference {throughput.InferenceImagesPerSecond,10:0} img/s   certification {throughput.CertifyImagesPerSecond,10:0} noisy samples/s" +
                    $"   ({throughput.Ratio:P0} of inference; batch {throughput.BatchSize}; inference x{report.InferenceToBaselineTrainingRatio:0.0} baseline training)");
        o.WriteLine($"evaluation of {evaluation.Images} images {evaluation.EvaluationSeconds,7:0.0} s, {evaluation.EvaluationImagesPerSecond,10:0} forward passes/s" +
                    $"   ({evaluation.Ratio:P0} of inference at batch {evaluation.BatchSize}, {evaluation.InferenceImagesPerSecond:0} img/s)");
        o.WriteLine(memory is null
            ? $"memory: {report.MemoryNote}"
            : $"resident memory: {memory.RssMiBAfterEpoch2:0} MiB after epoch 2, {memory.RssMiBAfterEpoch10:0} MiB after epoch 10 ({report.MemoryNote})");
        if (serve is not null)
            o.WriteLine($"serve resident memory: {serve.AfterRun1:0} MiB after run 1, {serve.AfterLastRun:0} MiB after run {serve.Runs} ({serve.Growth:+0%;-0%}; {serve.Description})");
        return ExitCodes.Ok;
    }

    static TorchSharp.torch.Device ResolveDevice(string name)
    {
        try { return TorchRuntime.ResolveDevice(name); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        catch (TorchUnavailableException e) { throw new CliRuntimeException(e.Message, e); }
    }
}
