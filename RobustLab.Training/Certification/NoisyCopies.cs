using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Certification;

/// <summary>
/// Fills one reused buffer of noisy copies x + e, e ~ N(0, sigma^2 I) in pixel units, before normalisation and without
/// clamping: one in-place normal draw per batch and one in-place add, so sampling costs little next to the forward
/// pass. Draws come from a CPU generator (see SeededNoise); on another device they are drawn into a CPU staging buffer
/// and copied, so a seed gives the same noise everywhere.
/// </summary>
public sealed class NoisyCopies(double sigma, Device device) : IDisposable
{
    Tensor? _buffer, _staging;

    /// <summary>
    /// <paramref name="rows"/> noisy copies of <paramref name="clean"/>: a (1, C, H, W) image repeated, or (rows, C, H, W)
    /// images, or (G, 1, C, H, W) broadcast over (G, rows / G, C, H, W) groups. The result is a view of the reused
    /// buffer, valid until the next call.
    /// </summary>
    public Tensor Draw(Tensor clean, long rows, long[] imageShape, Generator generator)
    {
        long size = imageShape.Aggregate(1L, (a, b) => a * b);
        if (_buffer is null || _buffer.numel() < rows * size)
        {
            _buffer?.Dispose(); _staging?.Dispose();
            // Owned by this object, not by the caller's per-batch dispose scope.
            _buffer = empty([rows * size], device: device).DetachFromDisposeScope();
            _staging = device.type == DeviceType.CPU ? null : empty([rows * size], device: CPU).DetachFromDisposeScope();
        }
        var flat = _buffer.narrow(0, 0, rows * size);
        if (_staging is null) flat.normal_(0, sigma, generator);
        else
        {
            using var staged = _staging.narrow(0, 0, rows * size);
            staged.normal_(0, sigma, generator);
            flat.copy_(staged);
        }
        var noisy = flat.view([rows, .. imageShape]);
        flat.Dispose();
        if (clean.dim() == imageShape.Length + 2)
        {
            long groups = clean.shape[0];
            using var grouped = noisy.view([groups, rows / groups, .. imageShape]);
            grouped.add_(clean);
        }
        else noisy.add_(clean);
        return noisy;
    }

    public void Dispose()
    {
        _buffer?.Dispose(); _staging?.Dispose();
    }
}
