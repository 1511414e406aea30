using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Runs;

/// <summary>
/// Checks a <see cref="RunRequest"/> and turns it into <see cref="TrainingOptions"/>, naming every bad field at once.
/// The ranges of the numbers are <see cref="TrainingOptions.Problems"/>' (the same on the command line); what is
/// added here is what only a request has: names to look up, lists to bound, values to echo briefly.
/// </summary>
public static class RunRequestValidation
{
    /// <summary>Validates the request into <paramref name="errors"/>; returns the options (meaningful only when no error was added).</summary>
    public static TrainingOptions Validate(RunRequest request, FieldProblems errors)
    {
        string dataset = (request.Dataset ?? "").Trim().ToLowerInvariant();
        if (dataset.Length == 0)
            errors.Add("dataset", $"dataset is required: one of {string.Join(", ", DatasetCatalog.Names)}.");
        // Known but not installed on this machine is fine: a remote worker may have it, and the worker that takes the
        // run reports a missing data set as the run's error (with how to get it).
        else if (!DatasetCatalog.Names.Contains(dataset))
            errors.Add(UnknownDataset(request.Dataset));

        string model = (request.Model ?? "lenet").Trim().ToLowerInvariant();
        if (!ModelFactory.Architectures.Contains(model)) errors.Add(UnknownModel(request.Model));

        var method = TrainingMethod.Baseline;
        if (request.Method is not null)
        {
            try { method = TrainingMethods.Parse(request.Method); }
            catch (ArgumentException)
            {
                errors.Add("method", $"unknown method '{RequestLimits.Echo(request.Method)}'; use one of {string.Join(", ", TrainingMethods.Names)}.");
            }
        }

        string? device = DeviceName(request.Device);
        if (device is null)
            errors.Add("device", $"device '{RequestLimits.Echo(request.Device)}' is not cpu, cuda or cuda:N.");

        IReadOnlyList<string> attacks = [];
        if (RequestLimits.TooLong("attacks", request.Attacks) is { } tooLong) errors.Add(tooLong);
        else attacks = AttackSelection.Normalize(request.Attacks);

        var form = Variant<RegularizerForm>(request.RegularizerForm, "regularizerForm", errors);
        var target = Variant<RegularizerTarget>(request.RegularizerTarget, "regularizerTarget", errors);

        var options = new TrainingOptions
        {
            Dataset = dataset,
            Model = model,
            Method = method,
            Sigma = request.Sigma ?? 0,
            Alpha = request.Alpha ?? 0,
            Copies = request.Copies ?? 0,
            Lambda = request.Lambda,
            ConsistencyCopies = request.ConsistencyCopies ?? TrainingOptions.DefaultConsistencyCopies,
            Eta = request.Eta ?? TrainingOptions.DefaultEta,
            RegularizerForm = form,
            RegularizerTarget = target,
            Gamma = request.Gamma ?? 0,
            Epochs = request.Epochs,
            TrainSubset = request.TrainSubset,
            TestSubset = request.TestSubset,
            BatchSize = request.BatchSize,
            LearningRate = request.Lr,
            Seed = request.Seed ?? 0,
            Device = device ?? "cpu",
            Attacks = attacks,
            AttackSamples = request.AttackSamples ?? AttackSelection.DefaultSamples,
            Certify = AfterTrainingRequest.Plan(request.Certify),
            Corruptions = AfterTrainingRequest.Plan(request.Corruptions),
        };
        foreach (var problem in options.Problems()) errors.Add(AfterTrainingRequest.Problem(problem));
        return options;
    }

    /// <summary>The variant named by <paramref name="text"/> (default when null), or a problem filed under <paramref name="field"/>.</summary>
    public static T Variant<T>(string? text, string field, FieldProblems errors) where T : struct, Enum
    {
        if (text is null) return default;
        try { return RegularizerVariantNames.Parse<T>(text, field); }
        catch (ArgumentException)
        {
            errors.Add(field, $"unknown {field} '{RequestLimits.Echo(text)}'; use one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
            return default;
        }
    }

    public static FieldProblem UnknownDataset(string? name) =>
        new("dataset", $"unknown dataset '{RequestLimits.Echo(name)}'; use one of {string.Join(", ", DatasetCatalog.Names)}.");

    public static FieldProblem UnknownModel(string? name) =>
        new("model", $"unknown model '{RequestLimits.Echo(name)}'; use one of {string.Join(", ", ModelFactory.Architectures)}.");

    /// <summary>
    /// cpu, cuda or cuda:N (lower-cased), or null when the text is none of those. Whether that GPU exists is not checked
    /// here: the run may go to another machine's worker, and the worker reports a missing device as the run's error.
    /// </summary>
    public static string? DeviceName(string? value)
    {
        string text = (value ?? "cpu").Trim().ToLowerInvariant();
        bool ok = DeviceQueues.TryQueueFor(text, out _);
        return ok ? text : null;
    }
}
