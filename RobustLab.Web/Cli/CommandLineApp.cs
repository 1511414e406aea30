using System.CommandLine;
using RobustLab.Training.Runtime;

namespace RobustLab.Web.Cli;

/// <summary>
/// The CLI verbs (train, eval, certify, datasets, bench, gc, ...) as one System.CommandLine tree. <see cref="Run"/> is the whole
/// contract: results on stdout, one "error: ..." line on stderr for anything a user can cause, and an exit code
/// from <see cref="ExitCodes"/>. Tests call it in-process.
/// </summary>
public static class CommandLineApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default, bool interactive = false)
    {
        var context = new CliContext(stdout, stderr, interactive, ct);
        var root = new RootCommand(
            "RobustLab: train and evaluate noise-robust networks (moment regulariser, noisy augmentation, baseline). " +
            "Run without arguments (or with 'serve') for the dashboard.")
        {
            TrainCommand.Create(context),
            EvalCommand.Create(context),
            CertifyCommand.Create(context),
            CorruptCommand.Create(context),
            DatasetsCommand.Create(context),
            BenchCommand.Create(context),
            WorkerCommand.Create(context),
            ReportCommand.Create(context),
            GcCommand.Create(context),
            HashPasswordCommand.Create(context),
        };
        // Listed for --help only; Program.cs starts the web host before this parser sees 'serve'.
        root.Subcommands.Add(new Command("serve", "Run the dashboard (default http://127.0.0.1:5000; --urls to change)."));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // "Required command was not provided" hides the more useful "Unrecognized command or argument 'x'".
            var error = parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized")) ?? parsed.Errors[0];
            string verb = parsed.CommandResult.Command is RootCommand ? "" : " " + parsed.CommandResult.Command.Name;
            stderr.WriteLine($"error: {OneLine(error.Message)} See 'robustlab{verb} --help'.");
            return ExitCodes.Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null, // Program.cs owns Ctrl+C and cancels ct
            });
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error: {OneLine(e.Message)}");
            if (Environment.GetEnvironmentVariable("ROBUSTLAB_DEBUG") == "1") stderr.WriteLine(e);
            return Classify(e);
        }
    }

    /// <summary>
    /// Exit code for an exception: 2 for usage errors, 1 for everything else (still one line; the stack trace only
    /// with ROBUSTLAB_DEBUG=1).
    /// </summary>
    static int Classify(Exception e) => e is UsageException or ArgumentException ? ExitCodes.Usage : ExitCodes.Failure;

    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>True when the process should run the web host: no arguments, or 'serve' without a help flag.</summary>
    public static bool IsServe(string[] args) =>
        args.Length == 0 || (args[0] == "serve" && !args.Skip(1).Any(a => a is "-h" or "--help" or "-?"));

    /// <summary>
    /// The process entry for CLI verbs: invariant number formatting, Ctrl+C cancels the token (training stops between
    /// batches), and a progress bar only when stderr is a terminal.
    /// </summary>
    public static int RunConsole(string[] args)
    {
        System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return; // a second Ctrl+C ends the process at once
            e.Cancel = true;
            Console.Error.WriteLine();
            Console.Error.WriteLine("stopping after the current batch (Ctrl+C again to kill)...");
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try { return Run(args, Console.Out, Console.Error, cancel.Token, interactive: !Console.IsErrorRedirected); }
        finally { Console.CancelKeyPress -= onCancel; }
    }

    /// <summary>Loads libtorch, turning a failure into a runtime error (exit 1) with the runtime's message.</summary>
    internal static void RequireTorch()
    {
        try { TorchRuntime.EnsureLoaded(); }
        catch (TorchUnavailableException e) { throw new CliRuntimeException(e.Message, e); }
    }
}
