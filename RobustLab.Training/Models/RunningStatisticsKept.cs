using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobustLab.Training.Models;

/// <summary>
/// Keeps the running statistics (mean, variance, batch count) of some batch normalisations as they are while it is
/// alive. The regulariser's mean path runs under it (docs/method.md, section "Batch normalisation inside Omega"): in
/// training mode it is normalised with its own batch statistics, and only the clean path moves the statistics that
/// evaluation uses.
/// <para>
/// TorchSharp's track_running_stats is read-only, and writing the old values back would change buffers that autograd
/// saved for the backward pass. So the momentum is set to 0 meanwhile (running = 1 * running + 0 * batch, exactly the
/// old value), and only the batch count, which autograd never sees, is written back.
/// </para>
/// </summary>
public sealed class RunningStatisticsKept : IDisposable
{
    readonly List<(BatchNorm Norm, double? Momentum, Tensor? Count)> _kept = [];

    public RunningStatisticsKept(IEnumerable<BatchNorm> norms)
    {
        foreach (var norm in norms)
        {
            _kept.Add((norm, norm.momentum, norm.num_batches_tracked?.clone().DetachFromDisposeScope()));
            norm.momentum = 0.0;   // null would mean a cumulative average, not 0
        }
    }

    public void Dispose()
    {
        using var _ = no_grad();
        foreach (var (norm, momentum, count) in _kept)
        {
            norm.momentum = momentum;
            if (count is null) continue;
            norm.num_batches_tracked?.copy_(count);
            count.Dispose();
        }
        _kept.Clear();
    }
}
