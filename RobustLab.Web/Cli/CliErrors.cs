namespace RobustLab.Web.Cli;

/// <summary>The command line asks for something impossible (exit code 2). The message names the option.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The command line is fine but the machine is not: missing data, checkpoint or libtorch (exit code 1).</summary>
public sealed class CliRuntimeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Process exit codes of the CLI.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    /// <summary>Interrupted by Ctrl+C (128 + SIGINT, the shell convention).</summary>
    public const int Cancelled = 130;
}
