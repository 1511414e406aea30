namespace RobustLab.Training.Attacks;

/// <summary>Which attacks run, on how many test images, and the knobs of each search (Foolbox-like defaults).</summary>
public sealed record AttackOptions
{
    /// <summary>Attack names (see <see cref="AttackCatalog.Names"/>), in report order.</summary>
    public IReadOnlyList<string> Attacks { get; init; } = AttackCatalog.Names;
    /// <summary>K: test images drawn with the seed; the correctly classified ones are attacked.</summary>
    public int Samples { get; init; } = 100;
    public int Seed { get; init; }
    public int BatchSize { get; init; } = 100;

    /// <summary>Bisection steps after the increasing search brackets the minimal scale.</summary>
    public int BisectionSteps { get; init; } = 14;
    /// <summary>PGD: projected gradient steps per epsilon, step size relative to epsilon.</summary>
    public int PgdSteps { get; init; } = 20;
    public double PgdRelativeStep { get; init; } = 0.125;
    /// <summary>DeepFool: classes tried per step (top logits), steps, and overshoot before the final bisection.</summary>
    public int DeepFoolCandidates { get; init; } = 10;
    public int DeepFoolSteps { get; init; } = 50;
    public double DeepFoolOvershoot { get; init; } = 0.02;
    /// <summary>L-BFGS: iterations of the box-constrained minimiser per c, and searches on c.</summary>
    public int LbfgsIterations { get; init; } = 60;
    public int LbfgsConstantSteps { get; init; } = 10;

    /// <summary>The problems with these options, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Validate() => Problems().Select(p => p.ToString()).ToList();

    /// <summary>The problems with these options, each with the option it is about ("attacks", "attack-samples").</summary>
    public IReadOnlyList<OptionProblem> Problems()
    {
        var errors = new List<OptionProblem>();
        if (Attacks.Count == 0) errors.Add(new("attacks", "must name at least one attack."));
        foreach (var name in Attacks.Distinct())
            if (!AttackCatalog.Names.Contains(name))
                errors.Add(new("attacks", $"names an unknown attack '{Shorten(name)}'; use any of {string.Join(", ", AttackCatalog.Names)}."));
        if (Attacks.Distinct().Count() != Attacks.Count) errors.Add(new("attacks", "names an attack twice."));
        if (Samples is < 1 or > 10_000) errors.Add(new("attack-samples", $"must be in [1, 10000] (got {Samples})."));
        if (BatchSize < 1) errors.Add(new("attack-batch-size", $"must be >= 1 (got {BatchSize})."));
        return errors;
    }

    // A name comes from a request: an error message echoes at most this much of it.
    static string Shorten(string name) => name.Length <= 200 ? name : name[..200] + $"... ({name.Length} characters)";
}
