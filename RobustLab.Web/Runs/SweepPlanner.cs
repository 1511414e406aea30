using RobustLab.Training.Loop;

namespace RobustLab.Web.Runs;

/// <summary>
/// Expands a sweep into runs: models x methods x their parameters x seeds, where each method takes only the parameters it uses.
/// The baseline (sigma = alpha = N~ = 0) is one run per seed however many sigmas and alphas were listed; augmentation
/// varies sigma x N~; the regulariser sigma x alpha x gamma (over its own sigma list when the request gives one);
/// gaussian sigma; stability sigma x lambda; consistency sigma x lambda x m x eta (an empty list: the default). Runs
/// with the same configuration key appear once. Each model gets the same grid; what the request leaves out (epochs, batch,
/// learning rate) resolves to each model's own protocol.
/// </summary>
public static class SweepPlanner
{
    /// <summary>Most runs one sweep may create.</summary>
    public const int MaxRuns = 1000;

    /// <summary>Problems with the request, by field; empty when it can be expanded.</summary>
    public static FieldProblems Validate(SweepRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Lists first and alone: a list too long is refused without looking at its values.
        var errors = ListLengths(request);
        if (errors.Count > 0) return errors;

        if (string.IsNullOrWhiteSpace(request.Dataset)) errors.Add("dataset", "a sweep needs a data set.");
        if (request.Model is not null && request.Models is { Count: > 0 })
            errors.Add("models", "give either model (one) or models (a list), not both.");
        if (request.Models is { Count: > 0 } listed && listed.Any(string.IsNullOrWhiteSpace))
            errors.Add("models", "every entry of models must name a model.");
        if (request.Methods is null || request.Methods.Count == 0) errors.Add("methods", $"list at least one of {string.Join(", ", TrainingMethods.Names)}.");
        var methods = new List<TrainingMethod>();
        foreach (string name in request.Methods ?? [])
        {
            try { methods.Add(TrainingMethods.Parse(name ?? "")); }
            catch (ArgumentException)
            {
                errors.Add("methods", $"unknown method '{RequestLimits.Echo(name)}'; use one of {string.Join(", ", TrainingMethods.Names)}.");
            }
        }
        if (!DeviceQueues.TryQueueFor(request.Device, out _))
            errors.Add("device", $"unknown device '{RequestLimits.Echo(request.Device)}'; use cpu, cuda or cuda:N (N = 0, 1, ...).");
        var sigmas = request.Sigma ?? [];
        var regularizerSigmas = RegularizerSigmas(request);
        var alphas = request.Alpha ?? [];
        var copies = request.Copies ?? [];
        // The ranges are TrainingLimits' (the CLI's and a single run's); a listed value must also be one a method uses (> 0).
        foreach (double s in sigmas.Where(s => !(s > 0 && s <= TrainingLimits.MaxSigma)).Distinct())
            errors.Add("sigma", $"every sigma must be a number in (0, {Show(TrainingLimits.MaxSigma)}] (got {Show(s)}).");
        foreach (double s in (request.RegularizerSigma ?? []).Where(s => !(s > 0 && s <= TrainingLimits.MaxSigma)).Distinct())
            errors.Add("regularizerSigma", $"every sigma must be a number in (0, {Show(TrainingLimits.MaxSigma)}] (got {Show(s)}).");
        foreach (double a in alphas.Where(a => !(a > 0 && a <= TrainingLimits.MaxAlpha)).Distinct())
            errors.Add("alpha", $"every alpha must be a number in (0, {Show(TrainingLimits.MaxAlpha)}] (got {Show(a)}).");
        foreach (int c in copies.Where(c => c is < 1 or > TrainingLimits.MaxCopies).Distinct())
            errors.Add("copies", $"every N~ must be a whole number in [1, {TrainingLimits.MaxCopies}] (got {c}).");
        var noisy = methods.Where(m => m.UsesSigma()).Distinct()
            .Where(m => (m == TrainingMethod.Regularizer ? regularizerSigmas : sigmas).Count == 0).Select(m => m.Name()).ToList();
        if (noisy.Count > 0)
            errors.Add("sigma", $"{string.Join(", ", noisy)} {(noisy.Count == 1 ? "needs" : "need")} at least one sigma.");
        // The newer lists' ranges are TrainingOptions' own, checked on one probe run per value.
        var probes = (request.Lambda ?? []).Distinct().Select(l => new TrainingOptions { Lambda = l })
            .Concat((request.ConsistencyCopies ?? []).Distinct().Select(c => new TrainingOptions { ConsistencyCopies = c }))
            .Concat((request.Eta ?? []).Distinct().Select(e => new TrainingOptions { Eta = e }))
            .Concat((request.Gamma ?? []).Distinct().Select(g => new TrainingOptions { Gamma = g }));
        foreach (var probe in probes) foreach (var problem in probe.Problems()) errors.Add(problem);
        RunRequestValidation.Variant<RegularizerForm>(request.RegularizerForm, "regularizerForm", errors);
        RunRequestValidation.Variant<RegularizerTarget>(request.RegularizerTarget, "regularizerTarget", errors);
        if (methods.Contains(TrainingMethod.Augmentation) && copies.Count == 0) errors.Add("copies", "augmentation needs at least one N~.");
        if (methods.Contains(TrainingMethod.Regularizer) && alphas.Count == 0) errors.Add("alpha", "the regularizer needs at least one alpha.");

        // The shared settings, checked once on a template run.
        // The smallest sigma: the one a baseline is certified at when the certification names none.
        var shared = Template(request, ModelNames(request)[0]) with { Method = TrainingMethod.Baseline, Sigma = sigmas.Where(s => s > 0).DefaultIfEmpty(0).Min() };
        foreach (var problem in shared.Problems()) errors.Add(AfterTrainingRequest.Problem(problem));

        long count = Count(request, methods);
        if (count > MaxRuns) errors.Add("sweep", LimitMessage(count));
        return errors;
    }

    /// <summary>The lists longer than <see cref="RequestLimits.MaxListLength"/>; empty when none is.</summary>
    public static FieldProblems ListLengths(SweepRequest request)
    {
        var errors = new FieldProblems();
        foreach (var tooLong in new[]
                 {
                     RequestLimits.TooLong("models", request.Models),
                     RequestLimits.TooLong("methods", request.Methods), RequestLimits.TooLong("sigma", request.Sigma),
                     RequestLimits.TooLong("regularizerSigma", request.RegularizerSigma),
                     RequestLimits.TooLong("alpha", request.Alpha), RequestLimits.TooLong("copies", request.Copies),
                     RequestLimits.TooLong("seed", request.Seed), RequestLimits.TooLong("attacks", request.Attacks),
                     RequestLimits.TooLong("lambda", request.Lambda), RequestLimits.TooLong("consistencyCopies", request.ConsistencyCopies),
                     RequestLimits.TooLong("eta", request.Eta), RequestLimits.TooLong("gamma", request.Gamma),
                 })
            if (tooLong is not null) errors.Add(tooLong);
        return errors;
    }

    static string Show(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The runs of the sweep; throws an ArgumentException with every problem when <see cref="Validate"/> finds any.</summary>
    public static IReadOnlyList<TrainingOptions> Expand(SweepRequest request)
    {
        var errors = Validate(request);
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors.Select(e => e.Message)), nameof(request));

        var sigmas = request.Sigma.Distinct().ToList();
        var regularizerSigmas = RegularizerSigmas(request).Distinct().ToList();
        var alphas = request.Alpha.Distinct().ToList();
        var copies = request.Copies.Distinct().ToList();
        var seeds = Seeds(request);
        var lambdas = OrDefault(request.Lambda.Select(l => (double?)l));
        var ms = OrDefault(request.ConsistencyCopies, TrainingOptions.DefaultConsistencyCopies);
        var etas = OrDefault(request.Eta, TrainingOptions.DefaultEta);
        var gammas = OrDefault(request.Gamma, 0.0);
        var form = RunRequestValidation.Variant<RegularizerForm>(request.RegularizerForm, "regularizerForm", new FieldProblems());
        var target = RunRequestValidation.Variant<RegularizerTarget>(request.RegularizerTarget, "regularizerTarget", new FieldProblems());
        var runs = new List<TrainingOptions>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        void Add(TrainingOptions o) { if (keys.Add(RunConfigKey.For(o))) runs.Add(o); }

        foreach (string model in ModelNames(request))
        foreach (var method in request.Methods.Select(TrainingMethods.Parse).Distinct())
            foreach (int seed in seeds)
            {
                var run = Template(request, model) with { Method = method, Seed = seed };
                switch (method)
                {
                    case TrainingMethod.Baseline:
                        // Trained without noise: certified at the smallest listed sigma when the certification names none.
                        Add(run.Certify is { Sigma: null } plan && sigmas.Count > 0 ? run with { Certify = plan with { Sigma = sigmas.Min() } } : run);
                        break;
                    case TrainingMethod.Augmentation:
                        foreach (double s in sigmas) foreach (int n in copies) Add(run with { Sigma = s, Copies = n });
                        break;
                    case TrainingMethod.Regularizer:
                        foreach (double s in regularizerSigmas) foreach (double a in alphas) foreach (double g in gammas)
                            Add(run with { Sigma = s, Alpha = a, Gamma = g, RegularizerForm = form, RegularizerTarget = target });
                        break;
                    case TrainingMethod.Gaussian:
                        foreach (double s in sigmas) Add(run with { Sigma = s });
                        break;
                    case TrainingMethod.Stability:
                        foreach (double s in sigmas) foreach (double? l in lambdas) Add(run with { Sigma = s, Lambda = l });
                        break;
                    case TrainingMethod.Consistency:
                        foreach (double s in sigmas) foreach (double? l in lambdas) foreach (int c in ms) foreach (double e in etas)
                            Add(run with { Sigma = s, Lambda = l, ConsistencyCopies = c, Eta = e });
                        break;
                }
            }
        return runs;
    }

    public static string LimitMessage(long count) => $"{count} runs exceed the limit of {MaxRuns}.";

    // Counted without expanding, so a request for a billion runs is refused without building them.
    static long Count(SweepRequest request, IEnumerable<TrainingMethod> methods)
    {
        long seeds = Seeds(request).Count, models = ModelNames(request).Count;
        long sigmas = (request.Sigma ?? []).Distinct().Count(), regularizerSigmas = RegularizerSigmas(request).Distinct().Count(), alphas = (request.Alpha ?? []).Distinct().Count(), copies = (request.Copies ?? []).Distinct().Count();
        long AtLeastOne<T>(IReadOnlyList<T>? list) => Math.Max(1, (list ?? []).Distinct().Count());
        long lambdas = AtLeastOne(request.Lambda), ms = AtLeastOne(request.ConsistencyCopies), etas = AtLeastOne(request.Eta), gammas = AtLeastOne(request.Gamma);
        return methods.Distinct().Sum(m => m switch
        {
            TrainingMethod.Augmentation => sigmas * copies,
            TrainingMethod.Regularizer => regularizerSigmas * alphas * gammas,
            TrainingMethod.Gaussian => sigmas,
            TrainingMethod.Stability => sigmas * lambdas,
            TrainingMethod.Consistency => sigmas * lambdas * ms * etas,
            _ => 1L,
        } * seeds * models);
    }

    /// <summary>The regulariser's sigmas: <see cref="SweepRequest.RegularizerSigma"/> when given, else <see cref="SweepRequest.Sigma"/>.</summary>
    public static IReadOnlyList<double> RegularizerSigmas(SweepRequest request) =>
        request.RegularizerSigma is { Count: > 0 } own ? own : request.Sigma ?? [];

    /// <summary>The distinct values listed, or the default alone when none is.</summary>
    static List<T> OrDefault<T>(IEnumerable<T> listed, T fallback = default!)
    {
        var values = listed.Distinct().ToList();
        return values.Count > 0 ? values : [fallback];
    }

    /// <summary>
    /// The sweep's models, lower-cased and distinct: <see cref="SweepRequest.Models"/> when it lists any, else
    /// <see cref="SweepRequest.Model"/>, else lenet. Never empty.
    /// </summary>
    public static IReadOnlyList<string> ModelNames(SweepRequest request)
    {
        var listed = (request.Models ?? []).Where(m => !string.IsNullOrWhiteSpace(m)).Select(m => m.Trim().ToLowerInvariant()).Distinct().ToList();
        return listed.Count > 0 ? listed : [request.Model?.Trim().ToLowerInvariant() ?? "lenet"];
    }

    /// <summary>The field a problem with the models is filed under: "models" when the request lists them, else "model".</summary>
    public static string ModelField(SweepRequest request) => request.Models is { Count: > 0 } ? "models" : "model";

    static List<int> Seeds(SweepRequest request) => request.Seed is { Count: > 0 } seeds ? seeds.Distinct().ToList() : [0];

    static TrainingOptions Template(SweepRequest request, string model) => new()
    {
        Dataset = request.Dataset?.Trim().ToLowerInvariant() ?? "",
        Model = model,
        Epochs = request.Epochs,
        TrainSubset = request.TrainSubset,
        TestSubset = request.TestSubset,
        BatchSize = request.BatchSize,
        LearningRate = request.LearningRate,
        Device = request.Device?.Trim().ToLowerInvariant() ?? "cpu",
        Attacks = AttackSelection.Normalize(request.Attacks),
        AttackSamples = request.AttackSamples ?? AttackSelection.DefaultSamples,
        Certify = AfterTrainingRequest.Plan(request.Certify),
        Corruptions = AfterTrainingRequest.Plan(request.Corruptions),
    };
}
