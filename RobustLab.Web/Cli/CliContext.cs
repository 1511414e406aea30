namespace RobustLab.Web.Cli;

/// <summary>
/// Where a verb writes and when it must stop. Results go to <see cref="Out"/>; progress, logs and errors go to
/// <see cref="Error"/>. <see cref="Interactive"/> is true only for a real terminal on stderr (progress bar allowed).
/// </summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, bool Interactive, CancellationToken Cancel);
