using System.Globalization;
using RobustLab.Training.Loop;
using RobustLab.Web.Comparison;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Reproduction;

/// <summary>
/// The report's tables from a reproduction's results: the settings over seeds (the seed spread), the fair comparison
/// (Fig. 3), the attacks (Table 1), certified and corruption measures, and every run. The HTML, CSV and LaTeX outputs all
/// render these, so the three always show the same numbers.
/// </summary>
public static class ReportTables
{
    public const string Settings = "settings", Fair = "fair", Attacks = "attacks", Certified = "certified", Corruptions = "corruptions", Runs = "runs";

    public static IReadOnlyList<string> Names => [Settings, Fair, Attacks, Certified, Corruptions, Runs];

    /// <summary>Every table, in the report's order; certified and corruption tables only when some run has those metrics.</summary>
    public static IReadOnlyList<ReportTable> All(ReproductionResults results)
    {
        var tables = new List<ReportTable> { SettingsTable(results), FairTable(results), AttacksTable(results) };
        if (results.Certified.Count > 0) tables.Add(CertifiedTable(results));
        if (results.Corruptions.Count > 0) tables.Add(CorruptionsTable(results));
        tables.Add(RunsTable(results));
        return tables;
    }

    /// <summary>The table of that name (any table, empty or not), or null for an unknown name.</summary>
    public static ReportTable? Named(ReproductionResults results, string name) => name switch
    {
        Settings => SettingsTable(results),
        Fair => FairTable(results),
        Attacks => AttacksTable(results),
        Certified => CertifiedTable(results),
        Corruptions => CorruptionsTable(results),
        Runs => RunsTable(results),
        _ => null,
    };

    static ReportTable SettingsTable(ReproductionResults r) => new(Settings,
        "Every setting over its seeds: mean and sample standard deviation (n - 1; empty for one seed).",
        ["setting", "method", "sigma", "alpha", "copies", "seeds", "accuracy", "accuracyStd", "gnr", "gnrStd", "trainingSeconds", "trainingSecondsStd"],
        r.TradeOff.Settings.Select(s => Row(s.Setting.Label, s.Setting.Method.Name(), N(s.Setting.Sigma), N(s.Setting.Alpha),
            N(s.Setting.Copies, "0"), N(s.Seeds, "0"), N(s.Accuracy), N(s.AccuracySpread.Std), N(s.Gnr), N(s.GnrSpread.Std),
            N(s.TrainingSeconds, "0.#"), N(s.TrainingSecondsSpread.Std, "0.#"))).ToList());

    static ReportTable FairTable(ReproductionResults r)
    {
        var fair = r.Fair;
        return new ReportTable(Fair,
            fair.Baseline is { } b
                ? string.Create(CultureInfo.InvariantCulture, $"Fig. 3: the most robust model per method among those with accuracy at least the baseline's ({b.Accuracy:0.0000}) ") +
                  string.Create(CultureInfo.InvariantCulture, $"minus {fair.TolerancePercent:0.##} percentage points. {fair.Folds.Statement} {fair.Advantage.Statement}")
                : fair.MissingBaseline ?? "",
            ["method", "setting", "seeds", "accuracy", "accuracyStd", "gnr", "gnrStd", "trainingSeconds", "welchPValue"],
            fair.BestPerMethod.Select(s => Row(s.Setting.Method.Name(), s.Setting.Label, N(s.Seeds, "0"), N(s.Accuracy), N(s.AccuracySpread.Std),
                N(s.Gnr), N(s.GnrSpread.Std), N(s.TrainingSeconds, "0.#"),
                N(s.Setting.Method is TrainingMethod.Baseline ? null : fair.Advantage.Test?.PValue, "0.####"))).ToList());
    }

    static ReportTable AttacksTable(ReproductionResults r)
    {
        var table = r.Attacks;
        string d = table.Distance.Name();
        var columns = new List<string> { "run", "setting", "seed" };
        foreach (string attack in table.Attacks) columns.AddRange([$"{attack}Median{table.Distance.Label()}", $"{attack}Ratio"]);
        return new ReportTable(Attacks,
            $"Table 1: median minimal perturbation ({table.Distance.Label()}) per attack over the images it fooled, and its ratio to the baseline run's." +
            (table.Baseline is null ? " No baseline run has attack metrics, so there are no ratios." : ""),
            columns,
            table.Rows.Select(row => (IReadOnlyList<ReportValue>)[ReportValue.Of(row.Run.Id.ToString()), ReportValue.Of(row.Run.Setting.Label),
                N(row.Run.Seed, "0"), .. row.Cells.SelectMany(c => new[] { N(c.Median, "0.####e+0"), N(c.Ratio, "0.##") })]).ToList());
    }

    static ReportTable CertifiedTable(ReproductionResults r) => new(Certified,
        "Certified L2 robustness by randomised smoothing: average certified radius, certified AUC, abstain rate and majority-vote robustness per run and sigma.",
        ["run", "setting", "seed", "certifySigma", "images", "acr", "certifiedAuc", "abstainRate", "majorityVote"],
        r.Certified.Select(c => Row(c.Run.Id.ToString(), ReproductionResults.Label(c.Run), N(c.Run.Seed, "0"), N(c.Metrics.Sigma),
            N(c.Metrics.Images, "0"), N(c.Metrics.AverageCertifiedRadius), N(c.Metrics.CertifiedAuc), N(c.Metrics.AbstainRate),
            N(c.Metrics.MajorityVote))).ToList());

    static ReportTable CorruptionsTable(ReproductionResults r) => new(Corruptions,
        "Common corruptions: clean accuracy, the mean accuracy over every corruption and severity, and mCE against the baseline where measured.",
        ["run", "setting", "seed", "images", "cleanAccuracy", "meanCorruptionAccuracy", "mce", "relativeMce"],
        r.Corruptions.Select(c => Row(c.Run.Id.ToString(), ReproductionResults.Label(c.Run), N(c.Run.Seed, "0"), N(c.Report.Images, "0"),
            N(c.Report.CleanAccuracy), N(c.Report.MeanCorruptionAccuracy), N(c.Report.Errors?.Mce), N(c.Report.Errors?.RelativeMce))).ToList());

    static ReportTable RunsTable(ReproductionResults r)
    {
        var seconds = r.Runs.ToDictionary(c => c.Id, c => c.TrainingSeconds);
        return new ReportTable(Runs, "Every run of the sweep; reused runs succeeded in an earlier submission with the same configuration.",
            ["run", "status", "reused", "method", "sigma", "alpha", "copies", "seed", "accuracy", "gnr", "trainingSeconds"],
            r.Set.Runs.Select(run => Row(run.Id.ToString(), run.Status.ToString().ToLowerInvariant(), r.Set.Reused.Contains(run.Id) ? "yes" : "no",
                run.Method.Name(), N(run.Sigma), N(run.Alpha), N(run.Copies, "0"), N(run.Seed, "0"), N(run.TestAccuracy), N(run.Gnr),
                N(seconds.TryGetValue(run.Id, out double s) ? s : null, "0.#"))).ToList());
    }

    static ReportValue N(double? v, string format = "0.####") => ReportValue.Of(v, format);
    static IReadOnlyList<ReportValue> Row(params object[] cells) =>
        cells.Select(c => c as ReportValue ?? ReportValue.Of(c as string)).ToList();
}
