using RobustLab.Training.Data;
using RobustLab.Training.Models;

namespace RobustLab.Web.Runs;

/// <summary>The checks of a sweep, the same for POST /api/sweeps and the dashboard's form.</summary>
public static class SweepValidation
{
    /// <summary>
    /// Every problem at once: the planner's (list lengths, values, shared settings, "sweep" when the grid is too large),
    /// what the planner leaves to the catalogue (unknown data set or model), and then each expanded run through the same
    /// checks as POST /api/runs.
    /// </summary>
    public static FieldProblems Validate(SweepRequest request) => Validate(request, out _);

    /// <summary>As <see cref="Validate(SweepRequest)"/>, with the sweep's runs when it is valid (empty otherwise).</summary>
    public static FieldProblems Validate(SweepRequest request, out IReadOnlyList<Training.Loop.TrainingOptions> runs)
    {
        runs = [];
        // A list too long is all that is said: nothing else is looked at.
        if (SweepPlanner.ListLengths(request) is { Count: > 0 } tooLong) return tooLong;
        var errors = SweepPlanner.Validate(request);
        string dataset = (request.Dataset ?? "").Trim().ToLowerInvariant();
        // A known data set that is not installed here is accepted: a remote worker may have it.
        if (dataset.Length > 0 && !DatasetCatalog.Names.Contains(dataset)) errors.Add(RunRequestValidation.UnknownDataset(request.Dataset));
        string modelField = SweepPlanner.ModelField(request);
        ImageShape? shape = DatasetCatalog.Names.Contains(dataset) ? new DatasetCatalog().Describe(dataset).Shape : null;
        foreach (string model in SweepPlanner.ModelNames(request))
        {
            if (!ModelFactory.Architectures.Contains(model))
                errors.Add(modelField, RunRequestValidation.UnknownModel(model).Message);
            else if (shape is { } input && ModelFactory.InputProblem(model, input) is { } problem)
                errors.Add(modelField, $"{model} cannot take {dataset}'s images: {problem}");
        }
        if (errors.Count > 0) return errors;

        var expanded = SweepPlanner.Expand(request);
        foreach (var options in expanded)
            RunRequestValidation.Validate(RunRequest.From(options), errors);
        if (errors.Count == 0) runs = expanded;
        return errors;
    }
}
