namespace RobustLab.Training.Attacks;

/// <summary>The attacks RobustLab offers, by the names the CLI, the API and run.json use.</summary>
public static class AttackCatalog
{
    public const string Fgsm = "fgsm", Pgd = "pgd", Lbfgs = "lbfgs", DeepFool = "deepfool", Gaussian = "gaussian", SaltPepper = "saltpepper";

    /// <summary>Table 1's four first (PGD, L-BFGS, FGSM, DeepFool-L2), then the two noise attacks.</summary>
    public static readonly IReadOnlyList<string> Names = [Pgd, Lbfgs, Fgsm, DeepFool, Gaussian, SaltPepper];

    /// <summary>What each attack searches, for help texts and the dashboard.</summary>
    public static string Describe(string name) => name switch
    {
        Fgsm => "FGSM: smallest epsilon along sign(gradient)",
        Pgd => "PGD (L-inf): bisection on epsilon around a projected gradient attack with random start",
        Lbfgs => "L-BFGS (Szegedy et al.): box-constrained min c*||delta||^2 + loss, search on c",
        DeepFool => "DeepFool-L2: iterative linearisation over the top classes",
        Gaussian => "Additive Gaussian noise: smallest sigma that flips",
        SaltPepper => "Salt-and-pepper noise: smallest share of pixels that flips",
        _ => throw new ArgumentException($"unknown attack '{name}'"),
    };

    public static IAttack Create(string name, AttackOptions options) => name switch
    {
        Fgsm => new FgsmAttack(),
        Pgd => new PgdAttack(),
        Lbfgs => new LbfgsAttack(),
        DeepFool => new DeepFoolAttack(),
        Gaussian => new GaussianNoiseAttack(),
        SaltPepper => new SaltAndPepperAttack(),
        _ => throw new ArgumentException($"attacks: unknown attack '{name}'; use any of {string.Join(", ", Names)}."),
    };

    /// <summary>Parses "fgsm,pgd" (or "all"); throws naming <paramref name="field"/> and every unknown name.</summary>
    public static IReadOnlyList<string> Parse(string text, string field = "attacks")
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant()).ToList();
        if (names is ["all"]) return Names;
        if (names.Count == 0) throw new ArgumentException($"{field}: name at least one attack ({string.Join(", ", Names)}, or all).");
        var unknown = names.Where(n => !Names.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"{field}: unknown attack{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}; " +
                                        $"use any of {string.Join(", ", Names)}, or all.");
        return names.Distinct().ToList();
    }
}
