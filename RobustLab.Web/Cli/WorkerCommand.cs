using System.CommandLine;
using RobustLab.Web.Hosting;
using RobustLab.Web.Jobs;

namespace RobustLab.Web.Cli;

/// <summary>
/// <c>robustlab worker [--queues cpu,cuda0] [--workers N]</c>: a headless worker that trains queued runs from the shared
/// storage (the "Storage" settings, e.g. Storage__Provider=postgresql and Storage__ConnectionString). Runs until SIGTERM
/// or Ctrl+C; a run it was training resumes after its last finished epoch on the next worker.
/// </summary>
public static class WorkerCommand
{
    public static Command Create(CliContext context)
    {
        var queues = new Option<string?>("--queues")
        {
            Description = "Comma-separated queues to serve, named after devices: cpu, cuda0, cuda1, ... (default: Workers:Queues, else cpu).",
        };
        var workers = CliOptions.Int("--workers", "Workers per queue, i.e. runs trained at once on each (default: Workers:Queues, else 1).");
        var command = new Command("worker", "Run a headless worker that trains queued runs (stops on SIGTERM or Ctrl+C).") { queues, workers };
        command.SetAction(parsed => Run(context, ParseQueues(parsed.GetValue(queues)), parsed.GetValue(workers)));
        return command;
    }

    static int Run(CliContext context, IReadOnlyList<string>? queues, int? workers)
    {
        if (workers is < 1) throw new UsageException($"--workers must be >= 1 (got {workers}).");
        using var host = WorkerHost.Build(queues, workers);
        WorkerHost.RunAsync(host, context.Cancel).GetAwaiter().GetResult();
        return ExitCodes.Ok;
    }

    static IReadOnlyList<string>? ParseQueues(string? text)
    {
        if (text is null) return null;
        var queues = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(q => q.ToLowerInvariant()).Distinct().ToList();
        if (queues.Count == 0) throw new UsageException("--queues: name at least one queue, e.g. --queues cpu or --queues cuda0,cuda1.");
        foreach (var queue in queues)
            if (!WorkerOptions.IsQueueName(queue))
                throw new UsageException($"--queues: '{queue}' is not a queue name; use cpu, cuda0, cuda1, ... (lower-case letters, digits, '_', '-').");
        return queues;
    }
}
