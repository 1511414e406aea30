using System.Diagnostics;
using RobustLab.Training.Attacks;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// Where one executing run reports to: the run store (status, progress, epochs, metrics) and <see cref="RunEvents"/>.
/// Store calls go through the job's <see cref="StoreGate"/>, so the heartbeat and the training thread never use the store
/// at the same time.
/// The training callbacks (<see cref="OnEpoch"/>, <see cref="OnBatch"/>, <see cref="OnStage"/>, <see cref="OnAttack"/>)
/// run on the training thread and wait for their write; in-epoch and attack progress is written at most once per progress
/// interval. A failed progress or epoch write is logged and training goes on: the epoch is in the resume state and is
/// recorded on the next attempt. While the attack suite runs the status stays Evaluating and the progress field holds the
/// suite's fraction done (below 1; see <see cref="AttackFraction"/>), which the dashboard shows as "attacking".
/// </summary>
public sealed class RunReporter(
    StoreGate store, RunEvents events, Guid runId, int epochs, TimeSpan progressInterval, ILogger logger)
{
    readonly List<double> _epochSeconds = [];
    readonly Stopwatch _sinceProgress = new(), _inEpoch = new();
    RunStatus _status = RunStatus.Running;
    int _epoch;
    double _fraction;

    public RunStatus Status => _status;

    /// <summary>Records the epochs an earlier attempt finished (from its resume state) once, and starts the ETA from them.</summary>
    public async Task BackfillAsync(IReadOnlyList<EpochReport> reports)
    {
        foreach (var report in reports)
        {
            await store.CallAsync(s => s.RecordEpochAsync(runId, report));
            _epochSeconds.Add(report.Seconds);
            _epoch = report.Epoch;
        }
        _fraction = reports.Count > 0 ? 1 : 0;
    }

    public async Task SetStatusAsync(RunStatus status, string? error = null)
    {
        await store.CallAsync(s => s.SetStatusAsync(runId, status, error));
        _status = status;
        if (status == RunStatus.Running) _inEpoch.Restart(); // the pace of the first epoch counts from here
        Publish(error: error);
    }

    public async Task SucceededAsync(EvaluationResult metrics)
    {
        await store.CallAsync(s => s.SetMetricsAsync(runId, metrics));
        _fraction = 1; // the store sets it too
        await SetStatusAsync(RunStatus.Succeeded);
    }

    public void OnEpoch(EpochReport report)
    {
        _epochSeconds.Add(report.Seconds);
        _epoch = report.Epoch;
        _fraction = 1;
        _inEpoch.Restart();
        Write("epoch", async s =>
        {
            await s.RecordEpochAsync(runId, report);
            await s.UpdateProgressAsync(runId, _epoch, epochs, _fraction, EtaSeconds());
        });
        Publish(report);
    }

    public void OnBatch(BatchProgress batch)
    {
        _epoch = batch.Epoch;
        _fraction = batch.Batches == 0 ? 0 : (double)batch.Batch / batch.Batches;
        if (_sinceProgress.IsRunning && _sinceProgress.Elapsed < progressInterval && batch.Batch < batch.Batches) return;
        _sinceProgress.Restart();
        Write("progress", s => s.UpdateProgressAsync(runId, _epoch, epochs, _fraction, EtaSeconds()));
        Publish();
    }

    public void OnStage(RunStage stage)
    {
        switch (stage)
        {
            case RunStage.Attacking:
                // Still Evaluating: the attacks are part of the run's evaluation. Progress restarts at 0 for the suite.
                OnAttackFraction(0, force: true);
                break;
            case RunStage.Evaluating:
                _fraction = 1;
                Write("progress", s => s.UpdateProgressAsync(runId, _epoch, epochs, 1, null)); // no ETA for evaluation
                SetStatusAsync(RunStatus.Evaluating).GetAwaiter().GetResult();
                break;
        }
    }

    /// <summary>The attack suite's progress: the images done by this attack, as a share of every attack's images.</summary>
    public void OnAttack(AttackProgress progress) =>
        OnAttackFraction(AttackFraction(progress), force: progress.Done == 0 || progress.Done >= progress.Total);

    /// <summary>
    /// How much of the suite is done, in [0, <see cref="MaxAttackFraction"/>]: a run whose progress reads 1 while
    /// Evaluating is evaluating, not attacking, so the suite never reports 1 (the status turns Succeeded instead).
    /// </summary>
    public static double AttackFraction(AttackProgress p)
    {
        if (p.Attacks <= 0) return 0;
        double inAttack = p.Total <= 0 ? 1 : Math.Clamp((double)p.Done / p.Total, 0, 1);
        return Math.Clamp((p.AttackIndex + inAttack) / p.Attacks, 0, MaxAttackFraction);
    }

    public const double MaxAttackFraction = 0.999;

    void OnAttackFraction(double fraction, bool force)
    {
        _fraction = fraction;
        if (!force && _sinceProgress.IsRunning && _sinceProgress.Elapsed < progressInterval) return;
        _sinceProgress.Restart();
        Write("progress", s => s.UpdateProgressAsync(runId, _epoch, epochs, fraction, null));
        Publish();
    }

    /// <summary>Seconds left: mean seconds per finished epoch (or the current epoch's pace) times the epochs left.</summary>
    double? EtaSeconds()
    {
        double left = Math.Max(0, epochs - _epoch + (1 - _fraction));
        double? perEpoch = _epochSeconds.Count > 0 ? _epochSeconds.Average()
            : _fraction > 0 ? _inEpoch.Elapsed.TotalSeconds / _fraction : null;
        return perEpoch * left;
    }

    void Write(string what, Func<IRunStore, Task> call)
    {
        try { store.CallAsync(call).GetAwaiter().GetResult(); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Run {RunId}: could not write {What} to the run store; training goes on.", runId, what);
        }
    }

    void Publish(EpochReport? finished = null, string? error = null) =>
        events.Publish(new RunProgress(runId, _status, _epoch, epochs, _fraction,
            _status is RunStatus.Running ? EtaSeconds() : null, error, DateTimeOffset.UtcNow, finished));
}
