using System.Globalization;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Components.RunForm;

/// <summary>
/// Measured training speed for one method (mean samples/second over succeeded runs' epoch reports), and the mean time
/// those runs spent outside their epochs (evaluation, loading), when it could be measured.
/// </summary>
public sealed record SpeedBasis(TrainingMethod Method, double SamplesPerSecond, double? OverheadSeconds, string Source);

/// <summary>
/// What the form's grid makes: runs (per method, over <paramref name="ModelCount"/> models named in
/// <paramref name="Model"/>), how many are reused, and the estimated training time summed over the models.
/// </summary>
public sealed record RunFormSummary(
    string Model, int Runs, IReadOnlyList<(string Method, int Runs)> PerMethod, int Reused, bool AlreadySucceeded,
    double? TrainingSeconds, double? EvaluationSeconds, IReadOnlyList<SpeedBasis> Basis, IReadOnlyList<string> Unmeasured,
    CertifyEstimate? Certify = null, int ModelCount = 1)
{
    public bool IsSingleRun => Runs == 1;
    public int ToQueue => IsSingleRun ? 1 : Runs - Reused;

    /// <summary>"1 run - a single run", "7 runs - a sweep (baseline 1, regularizer 6)" or "4 runs - a sweep over 2 models (lenet, resnet20), each (baseline 1, regularizer 1)".</summary>
    public string RunsText => IsSingleRun
        ? "1 run - a single run"
        : $"{Runs} runs - a sweep{(ModelCount > 1 ? $" over {ModelCount} models ({Model}), each" : "")} ({string.Join(", ", PerMethod.Select(p => $"{p.Method} {p.Runs}"))})";

    public string ReuseText => IsSingleRun
        ? AlreadySucceeded ? "An identical configuration already succeeded; a single run is trained again." : "Nothing identical has run before."
        : Reused == 0
            ? $"No configuration has succeeded before: all {Runs} will be queued."
            : $"{Reused} already succeeded with the same configuration and will be reused; {Runs - Reused} will be queued.";

    public string EstimateText
    {
        get
        {
            if (ToQueue == 0) return "Estimated training time: none - every run is reused.";
            if (TrainingSeconds is not { } s)
                return ModelCount > 1 && Unmeasured.Count > 0
                    ? $"Estimated training time: no measured speed yet for {string.Join(", ", Unmeasured)} - no such run (nor any run of that model) has succeeded in this store."
                    : $"Estimated training time: no measured speed yet - no {Model} run has succeeded in this store.";
            string certify = Certify is { } c ? $" + {RunFormEstimator.Duration(c.Seconds)} certification" : "";
            double total = s + (EvaluationSeconds ?? 0) + (Certify?.Seconds ?? 0);
            if (EvaluationSeconds is not { } e)
                return Certify is null
                    ? $"Estimated training time: about {RunFormEstimator.Duration(s)} (evaluation not included); {Caveat}"
                    : $"Estimated time: about {RunFormEstimator.Duration(total)}: {RunFormEstimator.Duration(s)} training{certify} (evaluation not included); {Caveat}";
            return $"Estimated time: about {RunFormEstimator.Duration(total)}: {RunFormEstimator.Duration(s)} training + {RunFormEstimator.Duration(e)} evaluation{certify}; {Caveat}";
        }
    }

    const string Caveat = "on one worker, runs one after another; an upper bound, as early stopping can end runs sooner.";
}

/// <summary>Time the certification after training of the queued runs takes: noisy samples over a throughput, and where that came from.</summary>
public sealed record CertifyEstimate(double Seconds, double SamplesPerSecond, string Source);

/// <summary>
/// The form's live summary, summed over the sweep's models. Reuse is decided as <see cref="SweepSubmitter"/> does (a succeeded run with the same
/// configuration key). Time: per run, training images x epochs x samples per image (N~+1 for augmentation) divided by
/// the measured samples/second of succeeded runs with the same data set, model and method (same device preferred).
/// With no such run it falls back to every succeeded run of the model, converted to baseline cost (the regulariser
/// counted as twice a baseline step, an augmentation sample as one). No finished run at all: no estimate.
/// </summary>
public sealed class RunFormEstimator(IRunStore store)
{
    /// <summary>Most runs whose epoch reports are read for one measurement.</summary>
    public const int MeasuredRuns = 10;

    /// <summary>Training-set sizes (before the 10% validation hold-out); mnist10k is about 85% of its ~10,000 images.</summary>
    static readonly Dictionary<string, int> TrainImages = new()
    {
        ["fashion-mnist"] = 60_000, ["mnist"] = 60_000, ["mnist10k"] = 8_500, ["cifar10"] = 50_000, ["cifar100"] = 50_000,
    };

    // The summary is recomputed on every change of a field: keep what the store said for a few seconds.
    static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long At, object Value)> _cache = new();

    public async Task<RunFormSummary> SummarizeAsync(RunFormCheck check, CancellationToken ct = default)
    {
        var runs = check.Runs;
        var models = SweepPlanner.ModelNames(check.Request);
        string modelText = string.Join(", ", models);
        if (runs.Count == 0) return new RunFormSummary(modelText, 0, [], 0, false, null, null, [], []);
        string dataset = check.Request.Dataset;

        var succeeded = new HashSet<string>(StringComparer.Ordinal);
        foreach (string model in models)
            succeeded.UnionWith(await Cached($"keys/{dataset}/{model}", async () =>
                (await store.ListRunsAsync(new RunFilter(Dataset: dataset, Model: model, Status: RunStatus.Succeeded, Take: 100_000), ct))
                    .Select(r => r.ConfigKey).ToHashSet(StringComparer.Ordinal)));
        var done = runs.Where(o => succeeded.Contains(RunConfigKey.For(o))).ToList();
        bool single = runs.Count == 1;
        var toTrain = single ? runs : runs.Except(done).ToList();

        // Every model gets the same grid: per method, the runs of one model.
        var perMethod = runs.GroupBy(r => r.Method).OrderBy(g => g.Key).Select(g => (g.Key.Name(), g.Count() / models.Count)).ToList();
        var basis = new List<SpeedBasis>();
        var unmeasured = new List<string>();
        double seconds = 0, overhead = 0;
        bool overheadKnown = true;
        // Each model at its own measured speed: a ResNet step costs many LeNet steps.
        foreach (var group in toTrain.GroupBy(r => (r.Model, r.Method)))
        {
            var speed = await SpeedAsync(dataset, group.Key.Model, group.Key.Method, check.Request.Device, ct);
            if (speed is null) { unmeasured.Add(models.Count > 1 ? $"{group.Key.Model} {group.Key.Method.Name()}" : group.Key.Method.Name()); continue; }
            basis.Add(speed);
            seconds += group.Sum(o => Samples(o) * o.Resolve().Epochs / speed.SamplesPerSecond);
            if (speed.OverheadSeconds is { } each) overhead += each * group.Count();
            else overheadKnown = false;
        }
        bool known = toTrain.Count > 0 && unmeasured.Count == 0;
        var certify = await CertifyAsync(toTrain, ct);
        return new RunFormSummary(modelText, runs.Count, perMethod, single ? 0 : done.Count, single && done.Count == 1,
            known ? seconds : null, known && overheadKnown ? overhead : null, basis, unmeasured, certify, models.Count);
    }

    /// <summary>
    /// Noisy samples classified per second when no run of the model was certified yet: a deliberately low figure for
    /// LeNet on two CPU cores (README, "Speed on the CPU": `bench` measures it as certifyImagesPerSecond), so the first
    /// estimate errs long. Replaced by measurement as soon as one run is certified.
    /// </summary>
    public const double DefaultCertifySamplesPerSecond = 10_000;

    /// <summary>Noisy samples a run's certification classifies: images x (n0 + n) (the majority vote's few samples left out).</summary>
    public static double CertifySamples(TrainingOptions o) =>
        o.Certify is { } plan ? (double)plan.Images * (plan.N0 + plan.N) : 0;

    /// <summary>
    /// Measured certification throughput of runs: per run, its certified noisy samples (images x (n0 + n) per sigma)
    /// over its Certifying stage seconds; the mean over runs that have both, or null.
    /// </summary>
    public static (double Rate, int Runs)? CertifyRate(IEnumerable<EvaluationResult?> metrics)
    {
        var rates = new List<double>();
        foreach (var m in metrics)
        {
            if (m?.Certification is not { Count: > 0 } certs || m.Timings.SecondsOf(RunStage.Certifying) is not { } seconds || !(seconds > 0)) continue;
            double samples = certs.Sum(c => (double)c.Images * (c.N0 + c.N));
            if (samples > 0) rates.Add(samples / seconds);
        }
        return rates.Count > 0 ? (rates.Average(), rates.Count) : null;
    }

    /// <summary>The certification of the queued runs, each model at its own throughput; the sources joined.</summary>
    async Task<CertifyEstimate?> CertifyAsync(IReadOnlyList<TrainingOptions> toTrain, CancellationToken ct)
    {
        var parts = new List<CertifyEstimate>();
        foreach (var group in toTrain.GroupBy(o => o.Model))
            if (await CertifyAsync(group.ToList(), group.Key, ct) is { } part) parts.Add(part);
        if (parts.Count <= 1) return parts.FirstOrDefault();
        double seconds = parts.Sum(p => p.Seconds), samples = parts.Sum(p => p.Seconds * p.SamplesPerSecond);
        return new CertifyEstimate(seconds, samples / seconds, string.Join("; ", parts.Select(p => p.Source)));
    }

    async Task<CertifyEstimate?> CertifyAsync(IReadOnlyList<TrainingOptions> toTrain, string model, CancellationToken ct)
    {
        double samples = toTrain.Sum(CertifySamples);
        if (samples <= 0) return null;
        var measured = await Cached($"certify/{model}", async () =>
        {
            var runs = await store.ListRunsAsync(new RunFilter(Model: model, Status: RunStatus.Succeeded, Take: 100), ct);
            return new Box<(double, int)?>(CertifyRate(runs.Select(r => r.ReadMetrics())));
        });
        return measured.Value is var (rate, n)
            ? new CertifyEstimate(samples / rate, rate,
                $"certification: {Rate(rate)} noisy samples/s, the mean of {Plural(n, $"certified {model} run")}")
            : new CertifyEstimate(samples / DefaultCertifySamplesPerSecond, DefaultCertifySamplesPerSecond,
                $"certification: no {model} run certified yet; assumed {Rate(DefaultCertifySamplesPerSecond)} noisy samples/s");
    }

    sealed record Box<T>(T Value);

    /// <summary>Training samples one epoch of this run goes through: its training images (after the validation hold-out) x (N~+1) for augmentation.</summary>
    public static double Samples(TrainingOptions o)
    {
        int full = TrainImages.GetValueOrDefault(o.Dataset, 60_000);
        int total = Math.Min(o.TrainSubset ?? full, full);
        double train = total - Math.Round(total * o.ValidationFraction);
        return train * (o.Method == TrainingMethod.Augmentation ? o.Copies + 1 : 1);
    }

    /// <summary>Cost of one training sample relative to a baseline step, used only when a method has no measurement of its own.</summary>
    public static double CostFactor(TrainingMethod method) => method switch
    {
        TrainingMethod.Regularizer or TrainingMethod.Stability => 2,
        TrainingMethod.Consistency => TrainingOptions.DefaultConsistencyCopies,   // m copies of the batch per step
        _ => 1,
    };

    async Task<SpeedBasis?> SpeedAsync(string dataset, string model, TrainingMethod method, string device, CancellationToken ct)
    {
        var same = await MeasureAsync(new RunFilter(Dataset: dataset, Model: model, Method: method, Status: RunStatus.Succeeded), device, ct);
        if (same.Rates.Count > 0)
            return new SpeedBasis(method, same.Rates.Average(r => r.Rate), same.Overhead,
                $"{method.Name()}: {Rate(same.Rates.Average(r => r.Rate))} samples/s, the mean of {Plural(same.Rates.Count, "epoch")} " +
                $"in {Plural(same.Runs, $"succeeded {model} {method.Name()} run")} on {dataset}{same.DeviceNote}");

        var any = await MeasureAsync(new RunFilter(Model: model, Status: RunStatus.Succeeded), device, ct);
        if (any.Rates.Count == 0) return null;
        double baseline = any.Rates.Average(r => r.Rate * CostFactor(r.Method));
        double rate = baseline / CostFactor(method);
        string cost = CostFactor(method) != 1 ? $", counting a {method.Name()} step as {CostFactor(method)} baseline steps" : "";
        return new SpeedBasis(method, rate, any.Overhead,
            $"{method.Name()}: no succeeded {model} {method.Name()} run on {dataset} yet; {Rate(rate)} samples/s derived from " +
            $"{Plural(any.Runs, $"succeeded {model} run")} (any method and data set){cost}{any.DeviceNote}");
    }

    /// <param name="Overhead">Mean seconds a run spent outside its epochs (start to finish less the epochs' seconds), or null.</param>
    sealed record Measurement(IReadOnlyList<(TrainingMethod Method, double Rate)> Rates, int Runs, double? Overhead, string DeviceNote);

    Task<Measurement> MeasureAsync(RunFilter filter, string device, CancellationToken ct) =>
        Cached($"speed/{filter.Dataset}/{filter.Model}/{filter.Method}/{device}", async () =>
        {
            var runs = await store.ListRunsAsync(filter with { Take = 100 }, ct);
            var onDevice = runs.Where(r => string.Equals(r.Device, device, StringComparison.OrdinalIgnoreCase)).ToList();
            string note = onDevice.Count > 0 ? $", on {device}" : runs.Count > 0 ? $", measured on another device than {device}" : "";
            var rates = new List<(TrainingMethod, double)>();
            var overheads = new List<double>();
            int used = 0;
            foreach (var run in (onDevice.Count > 0 ? onDevice : runs).Take(MeasuredRuns))
            {
                var full = run.EpochReports.Count > 0 ? run : await store.GetRunAsync(run.Id, withEpochs: true, ct);
                var epochRates = (full?.EpochReports ?? []).Select(e => e.ImagesPerSecond).Where(r => double.IsFinite(r) && r > 0).ToList();
                if (epochRates.Count == 0) continue;
                used++;
                rates.AddRange(epochRates.Select(r => (run.Method, r)));
                // Only a run trained in one go (never retried): a retried run's start-to-finish also spans the pause.
                if (run is { StartedAt: { } start, FinishedAt: { } end, Attempts: 0 } && full!.EpochReports.Count == run.Epoch)
                {
                    double rest = (end - start).TotalSeconds - full.EpochReports.Sum(e => e.Seconds);
                    if (rest >= 0) overheads.Add(rest);
                }
            }
            return new Measurement(rates, used, overheads.Count > 0 ? overheads.Average() : null, note);
        });

    async Task<T> Cached<T>(string key, Func<Task<T>> load) where T : class
    {
        long now = Environment.TickCount64;
        if (_cache.TryGetValue(key, out var hit) && now - hit.At < CacheFor.TotalMilliseconds) return (T)hit.Value;
        var value = await load();
        _cache[key] = (now, value);
        return value;
    }

    /// <summary>"45 s", "12 min", "3 h 20 min".</summary>
    public static string Duration(double seconds)
    {
        if (seconds < 90) return $"{Math.Max(1, Math.Round(seconds)).ToString(CultureInfo.InvariantCulture)} s";
        double minutes = seconds / 60;
        if (minutes < 90) return $"{Math.Round(minutes).ToString(CultureInfo.InvariantCulture)} min";
        int h = (int)(minutes / 60), m = (int)Math.Round(minutes - h * 60);
        if (m == 60) { h++; m = 0; }
        return m == 0 ? $"{h} h" : $"{h} h {m} min";
    }

    static string Rate(double r) => r.ToString(r >= 100 ? "N0" : "G3", CultureInfo.InvariantCulture);
    static string Plural(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
