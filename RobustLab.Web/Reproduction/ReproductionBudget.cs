using RobustLab.Web.Runs;

namespace RobustLab.Web.Reproduction;

/// <summary>
/// How much of the paper's protocol a reproduction affords: how many seeds, how many of the paper's sigmas, alphas and
/// N~ values (spread evenly over each list, <see cref="PaperGrid.Spread{T}"/>), and the shared training settings
/// (null: the model's protocol, docs/method.md, section "Training protocol"). All of the paper's sigmas also bring the
/// regulariser's large ones.
/// </summary>
public sealed record ReproductionBudget
{
    public int Seeds { get; init; } = 1;
    public int Sigmas { get; init; } = PaperGrid.Sigmas.Count;
    public int Alphas { get; init; } = PaperGrid.Alphas.Count;
    public int Copies { get; init; } = PaperGrid.Copies.Count;
    public int? TrainSubset { get; init; }
    public int? TestSubset { get; init; }
    public int? Epochs { get; init; }
    public int? BatchSize { get; init; }
    public double? Lr { get; init; }
    /// <summary>Attack every run with the paper's Table 1 attacks (<see cref="PaperGrid.Attacks"/>) after training.</summary>
    public bool Attacks { get; init; } = true;
    /// <summary>K: test images the attacks draw (null: the suite's default).</summary>
    public int? AttackSamples { get; init; }

    public const int MaxSeeds = 10;

    /// <summary>Two sigmas, one alpha, one N~, one seed, 1,000 images for 2 epochs, no attacks: a check that everything runs.</summary>
    public static ReproductionBudget Smoke => new()
    {
        Seeds = 1, Sigmas = 2, Alphas = 1, Copies = 1, TrainSubset = 1000, TestSubset = 500, Epochs = 2, BatchSize = 100, Lr = 0.001,
        Attacks = false,
    };

    /// <summary>Three sigmas, two alphas, two N~, three seeds (error bars), 6,000 images for 5 epochs, attacks on 50 images.</summary>
    public static ReproductionBudget Quick => new()
    {
        Seeds = 3, Sigmas = 3, Alphas = 2, Copies = 2, TrainSubset = 6000, TestSubset = 2000, Epochs = 5, BatchSize = 100, Lr = 0.001,
        AttackSamples = 50,
    };

    /// <summary>The paper's whole grid and protocol on the full data set, three seeds.</summary>
    public static ReproductionBudget Paper => new() { Seeds = 3 };

    public static IReadOnlyList<(string Name, ReproductionBudget Budget)> Presets =>
        [("smoke", Smoke), ("quick", Quick), ("paper", Paper)];

    /// <summary>The budget's own problems by field (the training settings are checked by <see cref="SweepValidation"/>).</summary>
    public FieldProblems Problems()
    {
        var errors = new FieldProblems();
        if (Seeds is < 1 or > MaxSeeds) errors.Add("seeds", $"seeds must be a whole number in [1, {MaxSeeds}] (got {Seeds}).");
        if (Sigmas < 1 || Sigmas > PaperGrid.Sigmas.Count)
            errors.Add("sigmas", $"sigmas must be a whole number in [1, {PaperGrid.Sigmas.Count}] (got {Sigmas}).");
        if (Alphas < 1 || Alphas > PaperGrid.Alphas.Count)
            errors.Add("alphas", $"alphas must be a whole number in [1, {PaperGrid.Alphas.Count}] (got {Alphas}).");
        if (Copies < 1 || Copies > PaperGrid.Copies.Count)
            errors.Add("copies", $"copies (N~ values) must be a whole number in [1, {PaperGrid.Copies.Count}] (got {Copies}).");
        return errors;
    }
}
