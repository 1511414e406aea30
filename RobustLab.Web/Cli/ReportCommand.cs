using System.CommandLine;
using System.Text;
using RobustLab.Web.Hosting;
using RobustLab.Web.Reproduction;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Cli;

/// <summary>
/// <c>robustlab report --sweep ID --out FILE [--format html|tex|csv] [--table NAME]</c>: the sweep's report from the run
/// store (configured as for <c>serve</c>: appsettings.json, Storage__... environment variables), the same file the
/// dashboard's "Download report" gives (<see cref="SweepReportBuilder"/>).
/// </summary>
public static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var sweep = new Option<string>("--sweep") { Description = "The sweep's id (the Reproduce page and POST /api/sweeps show it).", Required = true };
        var output = new Option<string>("--out") { Description = "The file to write (replaced if it exists).", Required = true };
        var format = new Option<string>("--format") { Description = "html (default: the self-contained report), tex (every table) or csv (one table).", DefaultValueFactory = _ => "html" };
        var table = new Option<string>("--table") { Description = $"With --format csv: {string.Join(", ", ReportTables.Names)} (default settings).", DefaultValueFactory = _ => ReportTables.Settings };
        var command = new Command("report", "Write a sweep's report (HTML with figures and tables, or its tables as LaTeX or CSV).") { sweep, output, format, table };
        command.SetAction(parsed => Run(context, parsed.GetValue(sweep)!, parsed.GetValue(output)!, parsed.GetValue(format)!, parsed.GetValue(table)!));
        return command;
    }

    static int Run(CliContext context, string sweep, string output, string format, string table)
    {
        if (!Guid.TryParse(sweep, out var id)) throw new UsageException($"--sweep must be a sweep id such as 3f2c...-... (got '{sweep}').");
        format = format.Trim().ToLowerInvariant();
        if (format is not ("html" or "tex" or "csv")) throw new UsageException($"--format must be html, tex or csv (got '{format}').");
        table = table.Trim().ToLowerInvariant();
        if (!ReportTables.Names.Contains(table)) throw new UsageException($"--table must be one of {string.Join(", ", ReportTables.Names)} (got '{table}').");
        string path = Path.GetFullPath(output);
        if (Directory.Exists(path)) throw new UsageException($"--out names a folder ({path}); give a file name.");

        using var services = StoreServices.Build();
        services.MigrateRunStoreAsync(context.Cancel).GetAwaiter().GetResult();
        var builder = new SweepReportBuilder(services.GetRequiredService<IRunStore>());
        string? text = format switch
        {
            "tex" => builder.LatexAsync(id, context.Cancel).GetAwaiter().GetResult(),
            "csv" => builder.CsvAsync(id, table, context.Cancel).GetAwaiter().GetResult(),
            _ => builder.HtmlAsync(id, context.Cancel).GetAwaiter().GetResult(),
        };
        if (text is null) throw new CliRuntimeException($"there is no sweep {id} in the run store ({StoreServices.Describe(services)}).");
        try { File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--out: cannot write {path}: {e.Message}");
        }
        context.Out.WriteLine(path);
        return ExitCodes.Ok;
    }
}
