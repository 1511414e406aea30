using System.Globalization;
using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Components.RunForm;

/// <summary>What the form's text reads as: the sweep request, its runs (when valid), problems per field and warnings.</summary>
public sealed record RunFormCheck(
    SweepRequest Request,
    IReadOnlyList<TrainingOptions> Runs,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Errors,
    IReadOnlyList<string> Warnings)
{
    public bool IsValid => Errors.Count == 0;
    public bool IsSingleRun => IsValid && Runs.Count == 1;
    public IReadOnlyList<string> For(string field) => Errors.TryGetValue(field, out var list) ? list : [];
}

/// <summary>
/// Reads the form's text and checks it with exactly the rules of POST /api/sweeps and POST /api/runs
/// (<see cref="SweepValidation"/>: the catalogue's data sets and models, list lengths, the ranges of
/// <see cref="TrainingLimits"/>, parameters a method needs, the size limit, then every expanded run through
/// <see cref="RunRequestValidation"/>). What is added here is only what text needs: "abc" is not a number. Problems
/// carry the API's field names (<see cref="RunFormFields"/>) as data, so each shows at its field.
/// </summary>
public static class RunFormValidator
{
    public static RunFormCheck Check(RunFormModel model, IReadOnlyList<DatasetEntry>? datasets = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var errors = new FieldProblems();

        var sigma = DoubleList(model.Sigma, RunFormFields.Sigma, errors);
        var alpha = DoubleList(model.Alpha, RunFormFields.Alpha, errors);
        var copies = IntList(model.Copies, RunFormFields.Copies, "N~", errors);
        var seeds = IntList(model.Seed, RunFormFields.Seed, "seed", errors);
        var lambda = DoubleList(model.Lambda, RunFormFields.Lambda, errors);
        var consistencyCopies = IntList(model.ConsistencyCopies, RunFormFields.ConsistencyCopies, "m", errors);
        var eta = DoubleList(model.Eta, RunFormFields.Eta, errors);
        var gamma = DoubleList(model.Gamma, RunFormFields.Gamma, errors);
        int? epochs = Int(model.Epochs, RunFormFields.Epochs, errors);
        int? batchSize = Int(model.BatchSize, RunFormFields.BatchSize, errors);
        int? trainSubset = Int(model.TrainSubset, RunFormFields.TrainSubset, errors);
        int? testSubset = Int(model.TestSubset, RunFormFields.TestSubset, errors);
        double? lr = Double(model.Lr, RunFormFields.Lr, errors);
        var attacks = AttackSelection.Normalize(model.Attacks);
        // Without attacks the sample count means nothing (as in the API, which checks it only with attacks).
        int? attackSamples = attacks.Count > 0 ? Int(model.AttackSamples, RunFormFields.AttackSamples, errors) : null;
        // The plans after training: read only when switched on; n0 and alpha keep the plan's defaults (the API's too).
        var certify = model.Certify ? new CertifyAfterTraining
        {
            Sigma = Double(model.CertifySigma, RunFormFields.CertifySigma, errors),
            N = Int(model.CertifyN, RunFormFields.CertifyN, errors),
            Images = Int(model.CertifyImages, RunFormFields.CertifyImages, errors),
        } : null;
        var corruptions = model.Corruptions
            ? new CorruptionsAfterTraining { TestSubset = Int(model.CorruptionTestSubset, RunFormFields.CorruptionTestSubset, errors) }
            : null;
        // A list whose every value was unreadable already says why; the planner's "needs at least one" would only repeat it.
        var unreadable = errors.Fields.Where(field => field switch
        {
            RunFormFields.Sigma => sigma.Count == 0,
            RunFormFields.Alpha => alpha.Count == 0,
            RunFormFields.Copies => copies.Count == 0,
            _ => true,
        }).ToHashSet();

        var request = new SweepRequest
        {
            Dataset = (model.Dataset ?? "").Trim().ToLowerInvariant(),
            Models = (model.Models ?? []).Where(m => !string.IsNullOrWhiteSpace(m)).Select(m => m.Trim().ToLowerInvariant()).ToList(),
            Methods = (model.Methods ?? []).Where(m => !string.IsNullOrWhiteSpace(m)).ToList(),
            Sigma = sigma, Alpha = alpha, Copies = copies, Seed = seeds,
            Lambda = lambda, ConsistencyCopies = consistencyCopies, Eta = eta, Gamma = gamma,
            RegularizerForm = string.IsNullOrWhiteSpace(model.RegularizerForm) ? null : model.RegularizerForm.Trim(),
            RegularizerTarget = string.IsNullOrWhiteSpace(model.RegularizerTarget) ? null : model.RegularizerTarget.Trim(),
            Epochs = epochs, BatchSize = batchSize, TrainSubset = trainSubset, TestSubset = testSubset, LearningRate = lr,
            // Empty means what the API does when "device" is left out.
            Device = string.IsNullOrWhiteSpace(model.Device) ? "cpu" : model.Device.Trim(),
            Attacks = attacks,
            AttackSamples = attackSamples,
            Certify = certify,
            Corruptions = corruptions,
        };

        // Exactly POST /api/sweeps' checks; a field whose text could not be read at all already says why.
        IReadOnlyList<TrainingOptions> runs = [];
        // The API falls back to lenet without a model; the form asks for one instead of choosing it silently.
        if (request.Models is not { Count: > 0 }) errors.Add(RunFormFields.Models, "choose at least one model.");
        else
        {
            try
            {
                foreach (var problem in SweepValidation.Validate(request, out runs))
                {
                    string field = FormField(problem.Field);
                    if (!unreadable.Contains(field)) errors.Add(field, problem.Message);
                }
                foreach (var options in runs) RunConfigKey.For(options);
            }
            catch (ArgumentException e) { errors.Add(RunFormFields.Sweep, e.Message); }
        }
        if (errors.Count > 0) runs = [];

        return new RunFormCheck(request, runs,
            errors.Fields.ToDictionary(f => f, f => errors.For(f)),
            Warnings(request, datasets));
    }

    /// <summary>
    /// The form field that shows a problem of this (API) field; the grid as a whole (and any other) is "sweep". The form
    /// picks models from a list, so a problem with "model" shows there too.
    /// </summary>
    public static string FormField(string field) =>
        field == RunFormFields.Model ? RunFormFields.Models : Known.Contains(field) ? field : RunFormFields.Sweep;

    /// <summary>Why a model cannot take this data set's images, or null when it can (the rule is <see cref="ModelFactory.InputProblem"/>).</summary>
    public static string? ShapeProblem(string model, ImageShape shape) =>
        ModelFactory.InputProblem(model, shape) is { } problem ? problem + " The run would fail." : null;

    static readonly HashSet<string> Known =
    [
        RunFormFields.Dataset, RunFormFields.Models, RunFormFields.Methods, RunFormFields.Sigma, RunFormFields.Alpha,
        RunFormFields.Copies, RunFormFields.Seed, RunFormFields.Epochs, RunFormFields.BatchSize, RunFormFields.Lr,
        RunFormFields.TrainSubset, RunFormFields.TestSubset, RunFormFields.Device, RunFormFields.Attacks, RunFormFields.AttackSamples,
        RunFormFields.Lambda, RunFormFields.ConsistencyCopies, RunFormFields.Eta, RunFormFields.Gamma,
        RunFormFields.RegularizerForm, RunFormFields.RegularizerTarget,
        RunFormFields.CertifySigma, RunFormFields.CertifyN, RunFormFields.CertifyImages, RunFormFields.CorruptionTestSubset,
    ];

    static IReadOnlyList<string> Warnings(SweepRequest request, IReadOnlyList<DatasetEntry>? datasets)
    {
        var warnings = new List<string>();
        var entry = datasets?.FirstOrDefault(d => d.Name == request.Dataset);
        if (entry is not null)
        {
            if (!entry.Found)
                warnings.Add($"{entry.Name} is not on this machine - a remote worker may have it; otherwise the run fails with how to get it ({entry.HowToGet}).");
            foreach (string model in SweepPlanner.ModelNames(request).Where(ModelFactory.Architectures.Contains))
                if (ShapeProblem(model, entry.Shape) is { } shape) warnings.Add(shape);
        }
        var methods = request.Methods.Select(m => m.Trim().ToLowerInvariant()).ToHashSet();
        if (request.Alpha.Count > 0 && !methods.Overlaps(["regularizer", "regulariser"]))
            warnings.Add("alpha is used by the regularizer only; it is ignored here.");
        if (request.Copies.Count > 0 && !methods.Contains("augmentation"))
            warnings.Add("N~ is used by augmentation only; it is ignored here.");
        if (request.Lambda.Count > 0 && !methods.Overlaps(["stability", "consistency"]))
            warnings.Add("lambda is used by stability and consistency only; it is ignored here.");
        if ((request.ConsistencyCopies.Count > 0 || request.Eta.Count > 0) && !methods.Contains("consistency"))
            warnings.Add("m and eta are used by consistency only; they are ignored here.");
        if ((request.Gamma.Count > 0 || request.RegularizerForm is not null || request.RegularizerTarget is not null) && !methods.Overlaps(["regularizer", "regulariser"]))
            warnings.Add("gamma, the form and the target are the regularizer's; they are ignored here.");
        if (request.Sigma.Count > 0 && methods.SetEquals(["baseline"]))
            warnings.Add("The baseline trains without noise; sigma only sets where its moment metrics are measured.");
        return warnings;
    }

    static readonly char[] Separators = [',', ';', ' ', '\t', '\n', '\r'];

    static List<double> DoubleList(string? text, string field, FieldProblems errors)
    {
        var values = new List<double>();
        foreach (string token in Tokens(text))
        {
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) values.Add(v);
            else errors.Add(field, $"'{RequestLimits.Echo(token)}' is not a number; separate values with commas, e.g. 0.125, 0.25, 0.5.");
        }
        return values;
    }

    static List<int> IntList(string? text, string field, string what, FieldProblems errors)
    {
        var values = new List<int>();
        foreach (string token in Tokens(text))
        {
            if (int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v)) values.Add(v);
            else errors.Add(field, $"'{RequestLimits.Echo(token)}' is not a whole number; every {what} must be one (separate values with commas).");
        }
        return values;
    }

    static int? Int(string? text, string field, FieldProblems errors)
    {
        string t = (text ?? "").Trim();
        if (t.Length == 0) return null;
        if (int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v)) return v;
        errors.Add(field, $"'{RequestLimits.Echo(t)}' is not a whole number.");
        return null;
    }

    static double? Double(string? text, string field, FieldProblems errors)
    {
        string t = (text ?? "").Trim();
        if (t.Length == 0) return null;
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return v;
        errors.Add(field, $"'{RequestLimits.Echo(t)}' is not a number.");
        return null;
    }

    static IEnumerable<string> Tokens(string? text) =>
        (text ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
