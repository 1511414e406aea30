namespace RobustLab.Web.Api;

/// <summary>Thrown by <see cref="LimitedStream"/> when a body goes past its limit.</summary>
public sealed class BodyTooLargeException(long limit) : IOException($"The request body is larger than {limit} bytes.");

/// <summary>
/// Reads a request body up to a limit and throws <see cref="BodyTooLargeException"/> past it, so a body without a
/// Content-Length (chunked) cannot make the API parse megabytes either.
/// </summary>
public sealed class LimitedStream(Stream inner, long limit) : Stream
{
    long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
        Count(await inner.ReadAsync(buffer, ct));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    int Count(int n)
    {
        _read += n;
        if (_read > limit) throw new BodyTooLargeException(limit);
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    // The request body belongs to ASP.NET Core: disposing this wrapper leaves it open.
    protected override void Dispose(bool disposing) { }
}
