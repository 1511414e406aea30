using RobustLab.Training.Loop;

namespace RobustLab.Web.Runs;

/// <summary>
/// Expands a sweep into runs: methods x sigma x alpha x N~ x seeds, where each method takes only the parameters it uses.
/// The baseline (sigma = alpha = N~ = 0) is one run per seed however many sigmas and alphas were listed; augmentation
/// varies sigma x N~; the regulariser varies sigma x alpha (over its own sigma list when the request gives one). Runs with
/// the same configuration key appear once.
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
        if (request.Methods is null || request.Methods.Count == 0) errors.Add("methods", "list at least one of baseline, augmentation, regularizer.");
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
        if (methods.Contains(TrainingMethod.Augmentation) && sigmas.Count == 0
            || methods.Contains(TrainingMethod.Regularizer) && regularizerSigmas.Count == 0)
            errors.Add("sigma", "augmentation and the regularizer need at least one sigma.");
        if (methods.Contains(TrainingMethod.Augmentation) && copies.Count == 0) errors.Add("copies", "augmentation needs at least one N~.");
        if (methods.Contains(TrainingMethod.Regularizer) && alphas.Count == 0) errors.Add("alpha", "the regularizer needs at least one alpha.");

        // The shared settings, checked once on a template run.
        // The smallest sigma: the one a baseline is certified at when the certification names none.
        var shared = Template(request) with { Method = TrainingMethod.Baseline, Sigma = sigmas.Where(s => s > 0).DefaultIfEmpty(0).Min() };
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
                     RequestLimits.TooLong("methods", request.Methods), RequestLimits.TooLong("sigma", request.Sigma),
                     RequestLimits.TooLong("regularizerSigma", request.RegularizerSigma),
                     RequestLimits.TooLong("alpha", request.Alpha), RequestLimits.TooLong("copies", request.Copies),
                     RequestLimits.TooLong("seed", request.Seed), RequestLimits.TooLong("attacks", request.Attacks),
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

        var template = Template(request);
        var sigmas = request.Sigma.Distinct().ToList();
        var regularizerSigmas = RegularizerSigmas(request).Distinct().ToList();
        var alphas = request.Alpha.Distinct().ToList();
        var copies = request.Copies.Distinct().ToList();
        var seeds = Seeds(request);
        var runs = new List<TrainingOptions>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        void Add(TrainingOptions o) { if (keys.Add(RunConfigKey.For(o))) runs.Add(o); }

        foreach (var method in request.Methods.Select(TrainingMethods.Parse).Distinct())
            foreach (int seed in seeds)
            {
                var run = template with { Method = method, Seed = seed };
                switch (method)
                {
                    case TrainingMethod.Baseline:
                        // Trained without noise: certified at the smallest listed sigma when the certification names none.
                        Add(run.Certify is { Sigma: null } c && sigmas.Count > 0 ? run with { Certify = c with { Sigma = sigmas.Min() } } : run);
                        break;
                    case TrainingMethod.Augmentation:
                        foreach (double s in sigmas) foreach (int n in copies) Add(run with { Sigma = s, Copies = n });
                        break;
                    case TrainingMethod.Regularizer:
                        foreach (double s in regularizerSigmas) foreach (double a in alphas) Add(run with { Sigma = s, Alpha = a });
                        break;
                }
            }
        return runs;
    }

    public static string LimitMessage(long count) => $"{count} runs exceed the limit of {MaxRuns}.";

    // Counted without expanding, so a request for a billion runs is refused without building them.
    static long Count(SweepRequest request, IEnumerable<TrainingMethod> methods)
    {
        long seeds = Seeds(request).Count;
        long sigmas = (request.Sigma ?? []).Distinct().Count(), regularizerSigmas = RegularizerSigmas(request).Distinct().Count(), alphas = (request.Alpha ?? []).Distinct().Count(), copies = (request.Copies ?? []).Distinct().Count();
        return methods.Distinct().Sum(m => m switch
        {
            TrainingMethod.Augmentation => sigmas * copies,
            TrainingMethod.Regularizer => regularizerSigmas * alphas,
            _ => 1L,
        } * seeds);
    }

    /// <summary>The regulariser's sigmas: <see cref="SweepRequest.RegularizerSigma"/> when given, else <see cref="SweepRequest.Sigma"/>.</summary>
    public static IReadOnlyList<double> RegularizerSigmas(SweepRequest request) =>
        request.RegularizerSigma is { Count: > 0 } own ? own : request.Sigma ?? [];

    static List<int> Seeds(SweepRequest request) => request.Seed is { Count: > 0 } seeds ? seeds.Distinct().ToList() : [0];

    static TrainingOptions Template(SweepRequest request) => new()
    {
        Dataset = request.Dataset?.Trim().ToLowerInvariant() ?? "",
        Model = request.Model?.Trim().ToLowerInvariant() ?? "lenet",
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
