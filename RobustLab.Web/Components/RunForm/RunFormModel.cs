using RobustLab.Training.Certification;
using RobustLab.Training.Data;

namespace RobustLab.Web.Components.RunForm;

/// <summary>
/// What the "New run / sweep" form holds, as typed: lists and numbers stay text until <see cref="RunFormValidator"/>
/// reads them, so nothing a user typed is lost when it is wrong. Empty text means "not set" (the protocol's value, or
/// the API's default).
/// </summary>
public sealed class RunFormModel
{
    public string Dataset { get; set; } = "fashion-mnist";
    /// <summary>The models the grid is made for (each with its own protocol); one model and one value per field: a single run.</summary>
    public IReadOnlyCollection<string> Models { get; set; } = ["lenet"];
    public IReadOnlyCollection<string> Methods { get; set; } = ["baseline", "regularizer"];
    /// <summary>Comma-separated sigmas, e.g. "0.125, 0.25, 0.5".</summary>
    public string Sigma { get; set; } = "0.25";
    public string Alpha { get; set; } = "1";
    /// <summary>N~ values (augmentation).</summary>
    public string Copies { get; set; } = "";
    public string Seed { get; set; } = "0";
    /// <summary>Lists of lambda (stability, consistency), m and eta (consistency), gamma (regularizer); empty: the defaults.</summary>
    public string Lambda { get; set; } = "";
    public string ConsistencyCopies { get; set; } = "";
    public string Eta { get; set; } = "";
    public string Gamma { get; set; } = "";
    /// <summary>The regulariser's form and target; empty: the paper's (additive, labels).</summary>
    public string RegularizerForm { get; set; } = "";
    public string RegularizerTarget { get; set; } = "";
    public string Epochs { get; set; } = "3";
    public string BatchSize { get; set; } = "100";
    public string Lr { get; set; } = "0.001";
    public string TrainSubset { get; set; } = "5000";
    public string TestSubset { get; set; } = "1000";
    public string Device { get; set; } = "cpu";
    /// <summary>Attacks every run runs after training (names from AttackCatalog); none by default.</summary>
    public IReadOnlyCollection<string> Attacks { get; set; } = [];
    /// <summary>K: test images the attacks draw; read only when attacks are chosen.</summary>
    public string AttackSamples { get; set; } = "100";
    /// <summary>Certify every run by randomised smoothing after it succeeds (the request's "certify"); off by default.</summary>
    public bool Certify { get; set; }
    /// <summary>Sigma to certify at; empty: each run's training sigma (a baseline: the smallest listed sigma).</summary>
    public string CertifySigma { get; set; } = "";
    /// <summary>Noisy samples per image and images certified; the plan's defaults.</summary>
    public string CertifyN { get; set; } = new CertificationPlan().N.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public string CertifyImages { get; set; } = new CertificationPlan().Images.ToString(System.Globalization.CultureInfo.InvariantCulture);
    /// <summary>Measure every run under all common corruptions at severities 1-5 after it succeeds (the request's "corruptions").</summary>
    public bool Corruptions { get; set; }
    /// <summary>Test images the corruptions draw; empty: the run's own test subset.</summary>
    public string CorruptionTestSubset { get; set; } = "";

    /// <summary>
    /// A small sweep a newcomer can submit at once (baseline plus the regulariser at sigma 0.25, 3 epochs on 5000 images:
    /// a few minutes on two CPU cores), on Fashion-MNIST when this machine has it, else on the first data set it has.
    /// </summary>
    public static RunFormModel Defaults(IEnumerable<DatasetEntry> datasets)
    {
        var list = datasets.ToList();
        string dataset = list.FirstOrDefault(d => d.Found && d.Name == "fashion-mnist")?.Name
            ?? list.FirstOrDefault(d => d.Found)?.Name
            ?? "fashion-mnist";
        return new RunFormModel { Dataset = dataset };
    }

    public RunFormModel Copy() => (RunFormModel)MemberwiseClone();

    /// <summary>A copy with one text field (named as the API names it: sigma, trainSubset, lr, ...) set to <paramref name="value"/>.</summary>
    public RunFormModel With(string field, string? value)
    {
        var copy = Copy();
        string v = value ?? "";
        switch (field)
        {
            case RunFormFields.Dataset: copy.Dataset = v; break;
            case RunFormFields.Sigma: copy.Sigma = v; break;
            case RunFormFields.Alpha: copy.Alpha = v; break;
            case RunFormFields.Copies: copy.Copies = v; break;
            case RunFormFields.Seed: copy.Seed = v; break;
            case RunFormFields.Lambda: copy.Lambda = v; break;
            case RunFormFields.ConsistencyCopies: copy.ConsistencyCopies = v; break;
            case RunFormFields.Eta: copy.Eta = v; break;
            case RunFormFields.Gamma: copy.Gamma = v; break;
            case RunFormFields.RegularizerForm: copy.RegularizerForm = v; break;
            case RunFormFields.RegularizerTarget: copy.RegularizerTarget = v; break;
            case RunFormFields.Epochs: copy.Epochs = v; break;
            case RunFormFields.BatchSize: copy.BatchSize = v; break;
            case RunFormFields.Lr: copy.Lr = v; break;
            case RunFormFields.TrainSubset: copy.TrainSubset = v; break;
            case RunFormFields.TestSubset: copy.TestSubset = v; break;
            case RunFormFields.Device: copy.Device = v; break;
            case RunFormFields.AttackSamples: copy.AttackSamples = v; break;
            case RunFormFields.CertifySigma: copy.CertifySigma = v; break;
            case RunFormFields.CertifyN: copy.CertifyN = v; break;
            case RunFormFields.CertifyImages: copy.CertifyImages = v; break;
            case RunFormFields.CorruptionTestSubset: copy.CorruptionTestSubset = v; break;
            default: throw new ArgumentException($"'{field}' is not a text field of the run form.", nameof(field));
        }
        return copy;
    }
}

/// <summary>The form's field names: the API's (camelCase) names, so a server message maps to its field.</summary>
public static class RunFormFields
{
    public const string Dataset = "dataset", Model = "model", Models = "models", Methods = "methods", Sigma = "sigma", Alpha = "alpha",
        Copies = "copies", Seed = "seed", Epochs = "epochs", BatchSize = "batchSize", Lr = "lr", TrainSubset = "trainSubset",
        TestSubset = "testSubset", Device = "device", Attacks = "attacks", AttackSamples = "attackSamples",
        Lambda = "lambda", ConsistencyCopies = "consistencyCopies", Eta = "eta", Gamma = "gamma",
        RegularizerForm = "regularizerForm", RegularizerTarget = "regularizerTarget",
        // The after-training plans: the names the API files their problems under (AfterTrainingRequest.Problem).
        CertifySigma = "certify.sigma", CertifyN = "certify.n", CertifyImages = "certify.images",
        CorruptionTestSubset = "corruptions.testSubset";

    /// <summary>Problems with the grid as a whole (too many runs); shown with the methods and in the summary.</summary>
    public const string Sweep = "sweep";
}
