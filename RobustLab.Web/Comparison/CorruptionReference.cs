using RobustLab.Training.Loop;

namespace RobustLab.Web.Comparison;

/// <summary>
/// The one rule for the reference network of mCE (docs/method.md, section "Common corruptions and calibration"): among
/// the baseline runs of a data set and model that can serve, the newest by run id (ids are time-ordered, version 7).
/// The corruption job (<see cref="Jobs.CorruptRunJob"/>: succeeded baselines with a run folder, the run itself when it
/// is a baseline) and the Corruptions table (<see cref="CorruptionTable"/>: baselines with a report) both choose here.
/// </summary>
public static class CorruptionReference
{
    /// <summary>The newest baseline among <paramref name="runs"/> that <paramref name="canServe"/>, or null when none can.</summary>
    public static T? Choose<T>(IEnumerable<T> runs, Func<T, Guid> id, Func<T, TrainingMethod> method, Func<T, bool> canServe)
        where T : class => Candidates(runs, id, method).FirstOrDefault(canServe);

    /// <summary>The baselines in the order the rule prefers them (newest first), for a caller whose check is asynchronous.</summary>
    public static IEnumerable<T> Candidates<T>(IEnumerable<T> runs, Func<T, Guid> id, Func<T, TrainingMethod> method) =>
        runs.Where(r => method(r) == TrainingMethod.Baseline).OrderByDescending(id);
}
