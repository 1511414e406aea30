using System.Text.Json.Serialization;
using RobustLab.Training.Attacks;

namespace RobustLab.Training.Loop;

/// <summary>
/// Everything that defines a run. Unset hyperparameters take the paper's protocol for the model
/// (PAPER.md section 4, see <see cref="Protocol"/>). Sigma is in [0, 1] pixel units.
/// </summary>
public sealed record TrainingOptions
{
    public string Dataset { get; init; } = "fashion-mnist";
    public string Model { get; init; } = "lenet";
    [JsonConverter(typeof(TrainingMethodJsonConverter))]
    public TrainingMethod Method { get; init; } = TrainingMethod.Baseline;
    /// <summary>Noise standard deviation for augmentation and the regulariser (pixel units).</summary>
    public double Sigma { get; init; }
    /// <summary>Weight of the regulariser term (Eq. 2/3).</summary>
    public double Alpha { get; init; }
    /// <summary>N~: noisy copies of each image per epoch (augmentation).</summary>
    public int Copies { get; init; }
    public int? Epochs { get; init; }
    public int? TrainSubset { get; init; }
    public int? TestSubset { get; init; }
    public int? BatchSize { get; init; }
    public double? LearningRate { get; init; }
    public int Seed { get; init; }
    public string Device { get; init; } = "cpu";
    public double ValidationFraction { get; init; } = 0.1;
    public double? PlateauFactor { get; init; }
    public int? PlateauPatience { get; init; }
    public int? EarlyStopPatience { get; init; }
    /// <summary>Attacks to run after training (names from AttackCatalog); empty means none.</summary>
    public IReadOnlyList<string> Attacks
    {
        get => _attacks.Length == 0 ? [] : _attacks[1..].Split(AttackSeparator);
        // Each name behind a separator, so [""] (refused by Validate) stays distinct from [].
        init => _attacks = string.Concat(value.Select(name => AttackSeparator + name));
    }
    // Stored as one string because a record compares its fields: a list field would compare by reference, and options
    // read back from run.json or the store would never equal the originals (resume and reuse depend on that).
    readonly string _attacks = "";
    const char AttackSeparator = '\u001F';
    /// <summary>K: test images the attacks draw (the correctly classified ones are attacked).</summary>
    public int AttackSamples { get; init; } = 100;

    /// <summary>The problems with these options, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message) { if (!ok) errors.Add(message); }
        Check(double.IsFinite(Sigma) && Sigma >= 0, $"sigma must be a finite number >= 0 (got {Sigma}).");
        Check(double.IsFinite(Alpha) && Alpha >= 0, $"alpha must be a finite number >= 0 (got {Alpha}).");
        Check(Copies >= 0, $"copies must be >= 0 (got {Copies}).");
        Check(Epochs is null or >= 1, $"epochs must be >= 1 (got {Epochs}).");
        Check(TrainSubset is null or >= 10, $"train-subset must be >= 10 images (got {TrainSubset}).");
        Check(TestSubset is null or >= 1, $"test-subset must be >= 1 (got {TestSubset}).");
        Check(BatchSize is null or >= 1, $"batch-size must be >= 1 (got {BatchSize}).");
        Check(LearningRate is null || (double.IsFinite(LearningRate.Value) && LearningRate > 0), $"lr must be a finite number > 0 (got {LearningRate}).");
        Check(ValidationFraction is >= 0 and < 1, $"validation-fraction must be in [0, 1) (got {ValidationFraction}).");
        Check(PlateauFactor is null or (> 0 and < 1), $"plateau-factor must be in (0, 1) (got {PlateauFactor}).");
        Check(PlateauPatience is null or >= 0, $"plateau-patience must be >= 0 (got {PlateauPatience}).");
        Check(EarlyStopPatience is null or >= 1, $"early-stop-patience must be >= 1 (got {EarlyStopPatience}).");
        if (Attacks.Count > 0)
            errors.AddRange(new AttackOptions { Attacks = Attacks, Samples = AttackSamples }.Validate());
        else if (AttackSamples is < 1 or > 10_000)
            errors.Add($"attack-samples must be in [1, 10000] (got {AttackSamples}).");
        if (Method == TrainingMethod.Augmentation)
        {
            Check(Copies >= 1, $"copies must be >= 1 for augmentation (got {Copies}).");
            Check(Sigma > 0, $"sigma must be > 0 for augmentation (got {Sigma}).");
        }
        if (Method == TrainingMethod.Regularizer)
        {
            Check(Sigma > 0, $"sigma must be > 0 for the regularizer (got {Sigma}).");
            Check(Alpha > 0, $"alpha must be > 0 for the regularizer (got {Alpha}).");
        }
        return errors;
    }

    /// <summary>The hyperparameters in force: these options' overrides on top of the model's protocol.</summary>
    public Protocol Resolve()
    {
        var p = Protocol.For(Model);
        return p with
        {
            Epochs = Epochs ?? p.Epochs,
            BatchSize = BatchSize ?? p.BatchSize,
            LearningRate = LearningRate ?? p.LearningRate,
            PlateauFactor = PlateauFactor ?? p.PlateauFactor,
            PlateauPatience = PlateauPatience ?? p.PlateauPatience,
            EarlyStopPatience = EarlyStopPatience ?? p.EarlyStopPatience,
        };
    }
}
