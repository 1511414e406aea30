using System.Globalization;
using MudBlazor;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Components.Runs;

/// <summary>How the dashboard writes a run's state: progress, ETA, status colours, short ids, metrics.</summary>
public static class RunFormat
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// The last 8 hex digits of an id, enough to tell runs and sweeps apart on one screen. Not the first: the store's
    /// ids are version 7 GUIDs, whose first digits are a timestamp shared by everything created in the same minute.
    /// </summary>
    public static string ShortId(Guid id) => id.ToString("N")[^8..];

    /// <summary>"~45 s", "~3 min", "~1 h 20 min"; empty when unknown.</summary>
    public static string Eta(double? seconds)
    {
        if (seconds is not { } s || double.IsNaN(s) || double.IsInfinity(s) || s < 0) return "";
        if (s < 60) return $"~{Math.Max(1, (int)Math.Round(s))} s";
        double minutes = Math.Round(s / 60);
        if (minutes < 60) return $"~{minutes.ToString("0", Invariant)} min";
        int h = (int)(minutes / 60), m = (int)(minutes % 60);
        return m == 0 ? $"~{h} h" : $"~{h} h {m} min";
    }

    /// <summary>
    /// How much of the run is done (0..1): finished epochs plus the fraction of the current one. <see cref="RunEntity.Epoch"/>
    /// is the epoch the run is in (1-based), and <see cref="RunEntity.EpochProgress"/> how far into it.
    /// </summary>
    public static double Fraction(RunStatus status, int epoch, int epochs, double epochProgress)
    {
        if (IsAttacking(status, epochProgress)) return Math.Clamp(epochProgress, 0, 1); // the attack suite's share done
        if (status is RunStatus.Succeeded or RunStatus.Evaluating) return 1;
        if (epochs <= 0 || epoch <= 0) return 0;
        double done = epoch - 1 + Math.Clamp(epochProgress, 0, 1);
        return Math.Clamp(done / epochs, 0, 1);
    }

    public static double Fraction(RunEntity run) => Fraction(run.Status, run.Epoch, run.Epochs, run.EpochProgress);

    /// <summary>
    /// Evaluating with the progress field below 1: the attack suite is running, and the field is its share done
    /// (the worker writes 1 when evaluation starts, and the suite's fraction from 0 while it attacks).
    /// </summary>
    public static bool IsAttacking(RunStatus status, double epochProgress) => status == RunStatus.Evaluating && epochProgress < 1;

    public static bool IsAttacking(RunEntity run) => IsAttacking(run.Status, run.EpochProgress);

    /// <summary>"epoch 2 of 5 (40%)" (40% of epoch 2 done), "queued (5 epochs)", "evaluating", "attacking (35%; ...)", "5 epochs", ...</summary>
    public static string ProgressText(RunEntity run) => run.Status switch
    {
        RunStatus.Queued => run.Epoch > 0 ? $"queued (resumes after epoch {run.Epoch} of {run.Epochs})" : $"queued ({run.Epochs} epochs)",
        RunStatus.Running when run.Epoch <= 0 => $"starting ({run.Epochs} epochs)",
        RunStatus.Running => $"epoch {run.Epoch} of {run.Epochs} ({Math.Clamp(run.EpochProgress, 0, 1).ToString("0%", Invariant)})",
        RunStatus.Evaluating when IsAttacking(run) => $"attacking ({Math.Clamp(run.EpochProgress, 0, 1).ToString("0%", Invariant)}; trained {run.Epochs} epochs)",
        RunStatus.Evaluating => $"evaluating (trained {run.Epochs} epochs)",
        RunStatus.Succeeded => $"{run.Epochs} epochs",
        _ => run.Epoch > 0 ? $"stopped in epoch {run.Epoch} of {run.Epochs}" : "did not start",
    };

    public static Color StatusColor(RunStatus status) => status switch
    {
        RunStatus.Queued => Color.Default,
        RunStatus.Running => Color.Info,
        RunStatus.Evaluating => Color.Secondary,
        RunStatus.Succeeded => Color.Success,
        RunStatus.Failed => Color.Error,
        RunStatus.Cancelled => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>"87.50%"; "—" when not evaluated yet.</summary>
    public static string Percent(double? value, int decimals = 2) =>
        value is { } v ? (v * 100).ToString("F" + decimals, Invariant) + "%" : "—";

    /// <summary>"0.7512"; "—" when not evaluated yet.</summary>
    public static string Number(double? value, string format = "0.0000") =>
        value is { } v ? v.ToString(format, Invariant) : "—";

    /// <summary>A perturbation size, "0.0123" or "1.23E-05" (three significant digits); "—" when there is none (NaN: no image fooled).</summary>
    public static string Distance(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("G3", Invariant) : "—";

    /// <summary>N~ (noisy copies) only means something for augmentation; alpha only for the regulariser.</summary>
    public static string Copies(RunEntity run) => run.Method == TrainingMethod.Augmentation ? run.Copies.ToString(Invariant) : "—";

    public static string Alpha(RunEntity run) => run.Method == TrainingMethod.Regularizer ? run.Alpha.ToString("0.###", Invariant) : "—";

    /// <summary>
    /// What the method column adds under the name: stability's and consistency's parameters ("m=2 lambda=10 eta=0.5"),
    /// the regulariser's variant when it is not the paper's ("mixed alpha=0.5 gamma=0.25"); null otherwise (alpha, N~
    /// and sigma have their own columns).
    /// </summary>
    public static string? MethodDetail(RunEntity run)
    {
        if (run.Method is not (TrainingMethod.Stability or TrainingMethod.Consistency or TrainingMethod.Regularizer)) return null;
        var options = run.ReadOptions();
        if (run.Method == TrainingMethod.Regularizer && options.Variant.IsPaper) return null;
        return Comparison.MethodSetting.Of(options).Parameters;
    }

    public static string Sigma(RunEntity run) => run.Method == TrainingMethod.Baseline && run.Sigma == 0 ? "—" : run.Sigma.ToString("0.###", Invariant);

    /// <summary>"3 min ago", "2 h ago", or the date for older runs.</summary>
    public static string Age(DateTimeOffset at, DateTimeOffset now)
    {
        var d = now - at;
        if (d < TimeSpan.FromMinutes(1)) return "just now";
        if (d < TimeSpan.FromHours(1)) return $"{(int)d.TotalMinutes} min ago";
        if (d < TimeSpan.FromDays(1)) return $"{(int)d.TotalHours} h ago";
        return at.ToLocalTime().ToString("yyyy-MM-dd HH:mm", Invariant);
    }
}
