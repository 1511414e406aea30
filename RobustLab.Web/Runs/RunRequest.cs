using System.Text.Json.Serialization;
using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Loop;
namespace RobustLab.Web.Runs;

/// <summary>
/// POST /api/runs: one run, with the CLI's <c>train</c> option names in camelCase. Everything but <c>dataset</c> is
/// optional; unset hyperparameters take the model's protocol, as on the command line. Unknown fields are rejected, so
/// a typo ("sigmaa") is a 400 instead of a silently different run.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RunRequest
{
    public string? Dataset { get; init; }
    /// <summary>lenet (default) or alexnet.</summary>
    public string? Model { get; init; }
    /// <summary>baseline (default), augmentation, regularizer, gaussian, stability or consistency.</summary>
    public string? Method { get; init; }
    public double? Sigma { get; init; }
    public double? Alpha { get; init; }
    public int? Copies { get; init; }
    /// <summary>Stability's and consistency's divergence weight (default 2 and 10); consistency's m, eta; the regulariser's variant.</summary>
    public double? Lambda { get; init; }
    public int? ConsistencyCopies { get; init; }
    public double? Eta { get; init; }
    /// <summary>additive (default) or mixed.</summary>
    public string? RegularizerForm { get; init; }
    /// <summary>labels (default) or predictions.</summary>
    public string? RegularizerTarget { get; init; }
    public double? Gamma { get; init; }
    public int? Epochs { get; init; }
    public int? TrainSubset { get; init; }
    public int? TestSubset { get; init; }
    public int? BatchSize { get; init; }
    public double? Lr { get; init; }
    public int? Seed { get; init; }
    /// <summary>cpu (default), cuda or cuda:N.</summary>
    public string? Device { get; init; }
    /// <summary>
    /// Attacks to run after training (paper Table 1): any of pgd, lbfgs, fgsm, deepfool, gaussian, saltpepper, or
    /// ["all"]. Left out or empty: none.
    /// </summary>
    public IReadOnlyList<string>? Attacks { get; init; }
    /// <summary>K: test images the attacks draw, in [1, 10000] (default 100); the correctly classified ones are attacked.</summary>
    public int? AttackSamples { get; init; }
    /// <summary>Certify the run by randomised smoothing after it succeeds (a job of its own); left out: no certification.</summary>
    public CertifyAfterTraining? Certify { get; init; }
    /// <summary>Measure the run under common corruptions after it succeeds (a job of its own); left out: none.</summary>
    public CorruptionsAfterTraining? Corruptions { get; init; }

    /// <summary>The request as it reads back in a run view (and as a sweep's base options).</summary>
    public static RunRequest From(TrainingOptions o) => new()
    {
        Dataset = o.Dataset, Model = o.Model, Method = o.Method.Name(), Sigma = o.Sigma, Alpha = o.Alpha, Copies = o.Copies,
        Epochs = o.Epochs, TrainSubset = o.TrainSubset, TestSubset = o.TestSubset, BatchSize = o.BatchSize,
        Lr = o.LearningRate, Seed = o.Seed, Device = o.Device,
        Attacks = o.Attacks.ToList(), AttackSamples = o.Attacks.Count > 0 ? o.AttackSamples : null,
        Certify = AfterTrainingRequest.Request(o.Certify), Corruptions = AfterTrainingRequest.Request(o.Corruptions),
        // Only what differs from the defaults, so views of runs that never set these stay as they were.
        Lambda = o.Lambda,
        ConsistencyCopies = o.ConsistencyCopies != TrainingOptions.DefaultConsistencyCopies ? o.ConsistencyCopies : null,
        Eta = o.Eta != TrainingOptions.DefaultEta ? o.Eta : null,
        RegularizerForm = o.RegularizerForm != default ? o.RegularizerForm.Name() : null,
        RegularizerTarget = o.RegularizerTarget != default ? o.RegularizerTarget.Name() : null,
        Gamma = o.Gamma != 0 ? o.Gamma : null,
    };
}
