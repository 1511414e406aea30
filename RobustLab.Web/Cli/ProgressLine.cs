using System.Diagnostics;

namespace RobustLab.Web.Cli;

/// <summary>
/// A one-line progress bar redrawn with '\r' on stderr for interactive terminals (never on stdout, so --json stays
/// clean). Redraws at most ten times a second; <see cref="Log"/> prints a permanent line above it.
/// </summary>
public sealed class ProgressLine(TextWriter error, bool enabled)
{
    readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    int _width;

    public void Update(string label, double fraction, bool force = false)
    {
        if (!enabled || (!force && _sinceDraw.ElapsedMilliseconds < 100)) return;
        _sinceDraw.Restart();
        fraction = Math.Clamp(fraction, 0, 1);
        const int bar = 30;
        int filled = (int)Math.Round(fraction * bar);
        string text = $"[{new string('#', filled)}{new string('.', bar - filled)}] {fraction * 100,5:0.0}%  {label}";
        error.Write("\r" + text.PadRight(_width));
        _width = text.Length;
        error.Flush();
    }

    public void Log(string line)
    {
        Clear();
        error.WriteLine(line);
        error.Flush();
    }

    public void Clear()
    {
        if (!enabled || _width == 0) return;
        error.Write("\r" + new string(' ', _width) + "\r");
        _width = 0;
        error.Flush();
    }
}
