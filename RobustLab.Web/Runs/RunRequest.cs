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
    /// <summary>baseline (default), augmentation or regularizer.</summary>
    public string? Method { get; init; }
    public double? Sigma { get; init; }
    public double? Alpha { get; init; }
    public int? Copies { get; init; }
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
    };
}
