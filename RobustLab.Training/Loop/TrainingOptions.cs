using System.Text.Json.Serialization;
using RobustLab.Training.Attacks;
using RobustLab.Training.Certification;
using RobustLab.Training.Corruptions;

namespace RobustLab.Training.Loop;

/// <summary>
/// Everything that defines a run. Unset hyperparameters take the paper's protocol for the model
/// (docs/method.md, see <see cref="Protocol"/>). Sigma is in pixel units (images in [0, 1]); every number's range is
/// <see cref="TrainingLimits"/>'.
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
    /// <summary>lambda: weight of the divergence term (stability, consistency); unset: <see cref="LambdaInForce"/>'s default.</summary>
    public double? Lambda { get; init; }
    /// <summary>m: noisy copies of each image per step (consistency).</summary>
    public int ConsistencyCopies { get; init; } = DefaultConsistencyCopies;
    /// <summary>eta: weight of the entropy of the copies' mean prediction (consistency).</summary>
    public double Eta { get; init; } = DefaultEta;
    /// <summary>Additive (the paper) or mixed (regularizer).</summary>
    [JsonConverter(typeof(LowerCaseEnumJsonConverter<RegularizerForm>))]
    public RegularizerForm RegularizerForm { get; init; }
    /// <summary>What the mean path is scored against: the labels (the paper) or the clean predictions (regularizer).</summary>
    [JsonConverter(typeof(LowerCaseEnumJsonConverter<RegularizerTarget>))]
    public RegularizerTarget RegularizerTarget { get; init; }
    /// <summary>gamma: the share of a batch's images that also get one noisy copy (regularizer; 0 = the paper).</summary>
    public double Gamma { get; init; }

    /// <summary>Jeong and Shin's (2020) defaults: m = 2, lambda = 10, eta = 0.5; stability's lambda is RobustLab's choice.</summary>
    public const int DefaultConsistencyCopies = 2;
    public const double DefaultConsistencyLambda = 10, DefaultEta = 0.5, DefaultStabilityLambda = 2;

    /// <summary>lambda as set, else the method's default (10 for consistency, 2 for stability).</summary>
    [JsonIgnore]
    public double LambdaInForce => Lambda ?? (Method == TrainingMethod.Consistency ? DefaultConsistencyLambda : DefaultStabilityLambda);

    /// <summary>The regulariser's form, target and gamma together.</summary>
    [JsonIgnore]
    public RegularizerVariant Variant => new(RegularizerForm, RegularizerTarget, Gamma);
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
    /// <summary>Certification by randomised smoothing after the run succeeds (a job of its own); null: none.</summary>
    public CertificationPlan? Certify { get; init; }
    /// <summary>Common corruptions measured after the run succeeds (a job of its own); null: none.</summary>
    public CorruptionPlan? Corruptions { get; init; }

    /// <summary>The problems with these options as text, each starting with the option's name; empty when valid.</summary>
    public IReadOnlyList<string> Validate() => Problems().Select(p => p.ToString()).ToList();

    /// <summary>The problems with these options, each with the option it is about; empty when valid.</summary>
    public IReadOnlyList<OptionProblem> Problems()
    {
        var errors = new List<OptionProblem>();
        void Check(bool ok, string option, string message) { if (!ok) errors.Add(new(option, message)); }
        void Number(double value, string option, double max) =>
            Check(value is >= 0 && value <= max, option, $"must be a number in [0, {Show(max)}] (got {Show(value)}).");
        void Whole(int? value, string option, int min, int max) =>
            Check(value is null || (value >= min && value <= max), option, $"must be a whole number in [{Show(min)}, {Show(max)}] (got {value}).");
        Number(Sigma, "sigma", TrainingLimits.MaxSigma);
        Number(Alpha, "alpha", TrainingLimits.MaxAlpha);
        Whole(Copies, "copies", 0, TrainingLimits.MaxCopies);
        if (Lambda is { } lambda) Number(lambda, "lambda", TrainingLimits.MaxLambda);
        Whole(ConsistencyCopies, "consistency-copies", 1, TrainingLimits.MaxConsistencyCopies);
        Number(Eta, "eta", TrainingLimits.MaxEta);
        Number(Gamma, "gamma", TrainingLimits.MaxGamma);
        Check(Enum.IsDefined(RegularizerForm), "regularizer-form", $"must be one of {string.Join(", ", RegularizerVariantNames.Forms)}.");
        Check(Enum.IsDefined(RegularizerTarget), "regularizer-target", $"must be one of {string.Join(", ", RegularizerVariantNames.Targets)}.");
        Whole(Epochs, "epochs", 1, TrainingLimits.MaxEpochs);
        Whole(TrainSubset, "train-subset", TrainingLimits.MinTrainSubset, TrainingLimits.MaxSubset);
        Whole(TestSubset, "test-subset", 1, TrainingLimits.MaxSubset);
        Whole(BatchSize, "batch-size", 1, TrainingLimits.MaxBatchSize);
        Check(LearningRate is null || LearningRate is > 0 and <= TrainingLimits.MaxLearningRate, "lr",
            $"must be a number in (0, {Show(TrainingLimits.MaxLearningRate)}] (got {Show(LearningRate ?? 0)}).");
        Check(ValidationFraction is >= 0 and < 1, "validation-fraction", $"must be in [0, 1) (got {Show(ValidationFraction)}).");
        Check(PlateauFactor is null or (> 0 and < 1), "plateau-factor", $"must be in (0, 1) (got {Show(PlateauFactor ?? 0)}).");
        Check(PlateauPatience is null or >= 0, "plateau-patience", $"must be >= 0 (got {PlateauPatience}).");
        Check(EarlyStopPatience is null or >= 1, "early-stop-patience", $"must be >= 1 (got {EarlyStopPatience}).");
        if (Attacks.Count > 0)
            errors.AddRange(new AttackOptions { Attacks = Attacks, Samples = AttackSamples }.Problems());
        else if (AttackSamples is < 1 or > TrainingLimits.MaxAttackSamples)
            errors.Add(new("attack-samples", $"must be in [1, {TrainingLimits.MaxAttackSamples}] (got {AttackSamples})."));
        if (Certify is { } certify) errors.AddRange(certify.Problems(Sigma));
        if (Corruptions is { } corruptions) errors.AddRange(corruptions.Problems(TrainingLimits.MaxSubset));
        if (Method == TrainingMethod.Augmentation)
        {
            Check(Copies >= 1, "copies", $"must be >= 1 for augmentation (got {Copies}).");
            Check(Sigma > 0, "sigma", $"must be > 0 for augmentation (got {Show(Sigma)}).");
        }
        if (Method == TrainingMethod.Regularizer)
        {
            Check(Sigma > 0, "sigma", $"must be > 0 for the regularizer (got {Show(Sigma)}).");
            Check(Alpha > 0, "alpha", $"must be > 0 for the regularizer (got {Show(Alpha)}).");
            Check(RegularizerForm != RegularizerForm.Mixed || Alpha <= TrainingLimits.MaxMixedAlpha, "alpha",
                $"must be in (0, {Show(TrainingLimits.MaxMixedAlpha)}] for the mixed form, (1 - alpha) CE(clean) + alpha CE(mean) (got {Show(Alpha)}).");
        }
        if (Method is TrainingMethod.Gaussian or TrainingMethod.Stability or TrainingMethod.Consistency)
            Check(Sigma > 0, "sigma", $"must be > 0 for {Method.Name()} (got {Show(Sigma)}).");
        if (Method == TrainingMethod.Stability)
            Check(LambdaInForce > 0, "lambda", $"must be > 0 for stability (got {Show(LambdaInForce)}).");
        return errors;
    }

    static string Show(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

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
