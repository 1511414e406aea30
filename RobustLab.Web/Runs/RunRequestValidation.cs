using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Runs;

/// <summary>Checks a <see cref="RunRequest"/> and turns it into <see cref="TrainingOptions"/>, naming every bad field at once.</summary>
public static class RunRequestValidation
{
    /// <summary>The API's bound on epochs: a run longer than this is almost surely a typo (the protocol's default is 100).</summary>
    public const int MaxEpochs = 1000;

    /// <summary>Field name (camelCase, as posted) to its problems. Empty when the request is valid.</summary>
    public sealed class Errors : Dictionary<string, List<string>>
    {
        public void Add(string field, string message)
        {
            if (!TryGetValue(field, out var list)) this[field] = list = [];
            if (!list.Contains(message)) list.Add(message);
        }

        public Dictionary<string, string[]> ToProblem() => this.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
    }

    /// <summary>
    /// Validates the request; <paramref name="prefix"/> names the request in a sweep ("runs[3]."), empty for one run.
    /// Returns the options (meaningful only when no error was added).
    /// </summary>
    public static TrainingOptions Validate(RunRequest request, Errors errors, string prefix = "")
    {
        string dataset = (request.Dataset ?? "").Trim().ToLowerInvariant();
        if (dataset.Length == 0)
            errors.Add(prefix + "dataset", $"dataset is required: one of {string.Join(", ", DatasetCatalog.Names)}.");
        // Known but not installed on this machine is fine: a remote worker may have it, and the worker that takes the
        // run reports a missing data set as the run's error (with how to get it).
        else if (!DatasetCatalog.Names.Contains(dataset))
            errors.Add(prefix + "dataset", $"unknown dataset '{request.Dataset}'; use one of {string.Join(", ", DatasetCatalog.Names)}.");

        string model = (request.Model ?? "lenet").Trim().ToLowerInvariant();
        if (!ModelFactory.Architectures.Contains(model))
            errors.Add(prefix + "model", $"unknown model '{request.Model}'; use one of {string.Join(", ", ModelFactory.Architectures)}.");

        var method = TrainingMethod.Baseline;
        if (request.Method is not null)
        {
            try { method = TrainingMethods.Parse(request.Method); }
            catch (ArgumentException)
            {
                errors.Add(prefix + "method", $"unknown method '{request.Method}'; use one of {string.Join(", ", TrainingMethods.Names)}.");
            }
        }

        string? device = DeviceName(request.Device);
        if (device is null)
            errors.Add(prefix + "device", $"device '{request.Device}' is not cpu, cuda or cuda:N.");

        if (request.Epochs is > MaxEpochs)
            errors.Add(prefix + "epochs", $"epochs must be between 1 and {MaxEpochs} (got {request.Epochs}).");

        var options = new TrainingOptions
        {
            Dataset = dataset,
            Model = model,
            Method = method,
            Sigma = request.Sigma ?? 0,
            Alpha = request.Alpha ?? 0,
            Copies = request.Copies ?? 0,
            Epochs = request.Epochs,
            TrainSubset = request.TrainSubset,
            TestSubset = request.TestSubset,
            BatchSize = request.BatchSize,
            LearningRate = request.Lr,
            Seed = request.Seed ?? 0,
            Device = device ?? "cpu",
            Attacks = AttackSelection.Normalize(request.Attacks),
            AttackSamples = request.AttackSamples ?? AttackSelection.DefaultSamples,
        };
        foreach (string message in options.Validate())
        {
            // "train-subset must be ..." (the CLI's spelling) reads "trainSubset must be ..." here; "attacks: ..." keeps its colon.
            string cli = message.Split(' ', 2)[0].TrimEnd(':');
            string field = FieldOf(cli);
            errors.Add(prefix + field, field + message[cli.Length..]);
        }
        return options;
    }

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

    /// <summary>
    /// TrainingOptions.Validate names the field first, as the CLI spells it ("train-subset must be ..."); the API's
    /// field is its camelCase form (trainSubset).
    /// </summary>
    static string FieldOf(string cli)
    {
        var parts = cli.Split('-', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "body" : parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
