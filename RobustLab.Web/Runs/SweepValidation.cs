using RobustLab.Training.Data;
using RobustLab.Training.Models;

namespace RobustLab.Web.Runs;

/// <summary>The checks of a sweep, the same for POST /api/sweeps and the dashboard's form.</summary>
public static class SweepValidation
{
    /// <summary>
    /// Every problem at once: the planner's (lists, sizes, shared settings, "sweep" when the grid is too large), what
    /// the planner leaves to the catalogue (unknown data set or model, the API's epoch bound), and then each expanded run
    /// through the same checks as POST /api/runs.
    /// </summary>
    public static RunRequestValidation.Errors Validate(SweepRequest request) => Validate(request, out _);

    /// <summary>As <see cref="Validate(SweepRequest)"/>, with the sweep's runs when it is valid (empty otherwise).</summary>
    public static RunRequestValidation.Errors Validate(SweepRequest request, out IReadOnlyList<Training.Loop.TrainingOptions> runs)
    {
        runs = [];
        var errors = new RunRequestValidation.Errors();
        string dataset = (request.Dataset ?? "").Trim().ToLowerInvariant();
        // A known data set that is not installed here is accepted: a remote worker may have it.
        if (dataset.Length > 0 && !DatasetCatalog.Names.Contains(dataset))
            errors.Add("dataset", $"unknown dataset '{request.Dataset}'; use one of {string.Join(", ", DatasetCatalog.Names)}.");
        string model = (request.Model ?? "").Trim().ToLowerInvariant();
        if (!ModelFactory.Architectures.Contains(model))
            errors.Add("model", $"unknown model '{request.Model}'; use one of {string.Join(", ", ModelFactory.Architectures)}.");
        if (request.Epochs is > RunRequestValidation.MaxEpochs)
            errors.Add("epochs", $"epochs must be between 1 and {RunRequestValidation.MaxEpochs} (got {request.Epochs}).");

        foreach (string message in SweepPlanner.Validate(request))
            errors.Add(FieldOf(message), message);
        if (errors.Count > 0) return errors;

        var expanded = SweepPlanner.Expand(request);
        foreach (var options in expanded)
            RunRequestValidation.Validate(RunRequest.From(options), errors);
        if (errors.Count == 0) runs = expanded;
        return errors;
    }

    /// <summary>The planner's messages start with the field: "sigma: ...", "train-subset must be ...", "sweep: ...".</summary>
    internal static string FieldOf(string message)
    {
        int end = message.IndexOfAny([':', ' ']);
        string cli = end > 0 ? message[..end] : "body";
        var parts = cli.Split('-', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "body" : parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
