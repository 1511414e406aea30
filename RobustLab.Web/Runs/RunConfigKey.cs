using System.Globalization;
using RobustLab.Training.Loop;

namespace RobustLab.Web.Runs;

/// <summary>
/// The canonical text of everything that decides a run's result, so two submissions that would train and evaluate the
/// same network share a key and a sweep can reuse a succeeded run. The device is left out (it changes speed, not the
/// result); unset hyperparameters are replaced by the model's resolved protocol, so "epochs omitted" and "epochs = 100"
/// on LeNet are the same run. Parameters a method ignores (alpha without the regulariser, copies without augmentation)
/// are written as 0; lambda, m, eta and the regulariser's variant appear only for the methods that use them. Sigma is
/// kept for the baseline too: evaluation measures the moment metrics at the training sigma.
/// The attacks (in the catalogue's order) and their sample count are appended only when the run asks for attacks: keys
/// of runs without attacks stay as they were, and a run that asks for attacks is never reused from one that ran none.
/// The same holds for the certification and corruptions a run asks for after training.
/// </summary>
public static class RunConfigKey
{
    public static string For(TrainingOptions options)
    {
        var p = options.Resolve();
        var m = options.Method;
        double alpha = m == TrainingMethod.Regularizer ? options.Alpha : 0;
        int copies = m == TrainingMethod.Augmentation ? options.Copies : 0;
        string key = string.Join(';',
            "dataset=" + options.Dataset.Trim().ToLowerInvariant(),
            "model=" + options.Model.Trim().ToLowerInvariant(),
            "method=" + m.Name(),
            "sigma=" + Number(options.Sigma),
            "alpha=" + Number(alpha),
            "copies=" + Number(copies),
            "epochs=" + Number(p.Epochs),
            "trainSubset=" + (options.TrainSubset is int t ? Number(t) : "all"),
            "testSubset=" + (options.TestSubset is int s ? Number(s) : "all"),
            "batchSize=" + Number(p.BatchSize),
            "lr=" + Number(p.LearningRate),
            "seed=" + Number(options.Seed),
            "validation=" + Number(options.ValidationFraction),
            "optimizer=" + p.Optimizer,
            "momentum=" + Number(p.Momentum),
            "nesterov=" + (p.Nesterov ? "true" : "false"),
            "weightDecay=" + Number(p.WeightDecay),
            "plateau=" + Number(p.PlateauFactor) + "/" + Number(p.PlateauPatience),
            "earlyStop=" + Number(p.EarlyStopPatience));
        // The newer methods' parameters, only where they apply: keys of the older settings stay as they were.
        if (m.UsesLambda()) key += ";lambda=" + Number(options.LambdaInForce);
        if (m == TrainingMethod.Consistency) key += ";m=" + Number(options.ConsistencyCopies) + ";eta=" + Number(options.Eta);
        if (m == TrainingMethod.Regularizer && !options.Variant.IsPaper)
            key += ";form=" + options.RegularizerForm.Name() + ";target=" + options.RegularizerTarget.Name() + ";gamma=" + Number(options.Gamma);
        if (options.Attacks.Count > 0)
            key += ";attacks=" + string.Join(',', AttackSelection.InCatalogOrder(options.Attacks.Select(a => a.Trim().ToLowerInvariant()))) +
                   ";attackSamples=" + Number(options.AttackSamples);
        // Likewise the jobs after training the run asks for: a run that wants them is not reused from one that had none.
        if (options.Certify is { } c)
            key += ";certify=" + (c.Sigma is { } cs ? Number(cs) : "training") + "/" + Number(c.N0) + "/" + Number(c.N) + "/" + Number(c.Alpha) + "/" + Number(c.Images);
        if (options.Corruptions is { } k)
            key += ";corruptions=" + k.Corruptions + "/" + k.Severities + "/" + (k.TestSubset is int ks ? Number(ks) : "run");
        return key.Length <= RunStoreContext.ConfigKeyLength
            ? key
            : throw new ArgumentException($"dataset: the configuration is too long to store ({key.Length} characters).", nameof(options));
    }

    // "R" round-trips doubles exactly; invariant culture so a German locale does not write 0,5.
    static string Number(double value) => value == 0 ? "0" : value.ToString("R", CultureInfo.InvariantCulture);
    static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
