using System.Text.Json.Serialization;

namespace RobustLab.Web.Runs;

/// <summary>
/// A sweep as posted: one data set, one or more models, lists for the methods and the parameters they take, and the settings every
/// run shares (null: the model's protocol). JSON names are the CLI's in camelCase (learning rate is "lr"). Empty lists:
/// seeds default to [0]; a method whose parameter list is empty gets no runs, which <see cref="SweepPlanner.Validate"/> reports.
/// </summary>
public sealed record SweepRequest
{
    public string Dataset { get; init; } = "";
    /// <summary>One model; null with <see cref="Models"/> null or empty: lenet. Give this or <see cref="Models"/>, not both.</summary>
    public string? Model { get; init; }
    /// <summary>Several models: the grid is made once per model, each run with its model's protocol defaults.</summary>
    public IReadOnlyList<string>? Models { get; init; }
    /// <summary>baseline, augmentation, regularizer, gaussian, stability, consistency.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];
    public IReadOnlyList<double> Sigma { get; init; } = [];
    /// <summary>
    /// Sigmas the regulariser trains at in place of <see cref="Sigma"/>; empty: the same as augmentation. The paper's grid
    /// gives the regulariser more sigmas than augmentation (docs/method.md, section "Reproducing the paper").
    /// </summary>
    public IReadOnlyList<double> RegularizerSigma { get; init; } = [];
    public IReadOnlyList<double> Alpha { get; init; } = [];
    /// <summary>N~ values (augmentation).</summary>
    public IReadOnlyList<int> Copies { get; init; } = [];
    public IReadOnlyList<int> Seed { get; init; } = [];
    /// <summary>lambda values (stability, consistency), m values and eta values (consistency), gamma values (regularizer); empty: the defaults.</summary>
    public IReadOnlyList<double> Lambda { get; init; } = [];
    public IReadOnlyList<int> ConsistencyCopies { get; init; } = [];
    public IReadOnlyList<double> Eta { get; init; } = [];
    public IReadOnlyList<double> Gamma { get; init; } = [];
    /// <summary>The regulariser's form (additive, mixed) and target (labels, predictions) for all its runs; null: the paper's.</summary>
    public string? RegularizerForm { get; init; }
    public string? RegularizerTarget { get; init; }
    public int? Epochs { get; init; }
    public int? TrainSubset { get; init; }
    public int? TestSubset { get; init; }
    public int? BatchSize { get; init; }
    [JsonPropertyName("lr")]
    public double? LearningRate { get; init; }
    public string Device { get; init; } = "cpu";
    /// <summary>Attacks every run of the sweep runs after training (names or ["all"]); empty: none.</summary>
    public IReadOnlyList<string> Attacks { get; init; } = [];
    /// <summary>K: test images the attacks draw (default 100).</summary>
    public int? AttackSamples { get; init; }
    /// <summary>Certify every run after it succeeds; without a sigma each run at its training sigma, the baselines at the smallest listed sigma.</summary>
    public CertifyAfterTraining? Certify { get; init; }
    /// <summary>Measure every run under common corruptions after it succeeds.</summary>
    public CorruptionsAfterTraining? Corruptions { get; init; }
}
