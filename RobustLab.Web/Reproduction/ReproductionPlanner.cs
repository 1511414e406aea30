using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Reproduction;

/// <summary>
/// A reproduction as a sweep: the paper's grid for one data set and model, scaled by a budget. The runs and their checks
/// are exactly a posted sweep's (<see cref="SweepValidation"/>), so what the page shows is what POST /api/sweeps queues.
/// </summary>
public sealed record ReproductionProposal(
    string Dataset, string Model, ReproductionBudget Budget, SweepRequest Request, IReadOnlyList<TrainingOptions> Runs, FieldProblems Problems)
{
    public bool IsValid => Problems.Count == 0;

    /// <summary>Runs per method, in method order: ("baseline", 1), ("augmentation", 4), ...</summary>
    public IReadOnlyList<(TrainingMethod Method, int Runs)> PerMethod =>
        Runs.GroupBy(r => r.Method).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())).ToList();
}

public static class ReproductionPlanner
{
    /// <summary>The proposal; its problems name the budget's fields (seeds, sigmas, ...) or the sweep's (dataset, trainSubset, ...).</summary>
    public static ReproductionProposal Propose(string dataset, string model, ReproductionBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var sigmas = PaperGrid.Spread(PaperGrid.Sigmas, budget.Sigmas);
        // The regulariser's large sigmas come with the whole sigma grid only: a smaller budget stays where both methods train.
        var regularizerSigmas = budget.Sigmas >= PaperGrid.Sigmas.Count ? [.. sigmas, .. PaperGrid.RegularizerOnlySigmas] : sigmas;
        var request = new SweepRequest
        {
            Dataset = (dataset ?? "").Trim().ToLowerInvariant(),
            Model = (model ?? "").Trim().ToLowerInvariant(),
            Methods = PaperGrid.Methods.ToList(),
            Sigma = sigmas,
            RegularizerSigma = regularizerSigmas,
            Alpha = PaperGrid.Spread(PaperGrid.Alphas, budget.Alphas),
            Copies = PaperGrid.Spread(PaperGrid.Copies, budget.Copies),
            Seed = Enumerable.Range(0, Math.Clamp(budget.Seeds, 1, ReproductionBudget.MaxSeeds)).ToList(),
            Epochs = budget.Epochs,
            TrainSubset = budget.TrainSubset,
            TestSubset = budget.TestSubset,
            BatchSize = budget.BatchSize,
            LearningRate = budget.Lr,
            Attacks = budget.Attacks ? PaperGrid.Attacks : [],
            AttackSamples = budget.Attacks ? budget.AttackSamples : null,
        };
        var problems = budget.Problems();
        IReadOnlyList<TrainingOptions> runs = [];
        if (problems.Count == 0) problems = SweepValidation.Validate(request, out runs);
        return new ReproductionProposal(request.Dataset, request.Model, budget, request, runs, problems);
    }
}
