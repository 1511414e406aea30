using System.CommandLine;
using RobustLab.Training.Data;

namespace RobustLab.Web.Cli;

/// <summary><c>robustlab datasets [--json]</c>: every known data set, whether it is on this machine and how to get it.</summary>
public static class DatasetsCommand
{
    public static Command Create(CliContext context)
    {
        var json = CliOptions.Json();
        var dataRoot = CliOptions.DataRoot();
        var command = new Command("datasets", "List the data sets: shape, classes, found, location, how to get.") { json, dataRoot };
        command.SetAction(parsed => Run(context, parsed.GetValue(json), parsed.GetValue(dataRoot)));
        return command;
    }

    static int Run(CliContext context, bool json, string? dataRoot)
    {
        var entries = new DatasetCatalog(CliOptions.Locations(dataRoot)).List();
        if (json)
        {
            CliJson.Write(context.Out, new
            {
                datasets = entries.Select(e => new
                {
                    e.Name,
                    Shape = new[] { e.Shape.Channels, e.Shape.Height, e.Shape.Width },
                    e.Classes,
                    e.Found,
                    e.Location,
                    e.HowToGet,
                }),
            });
            return ExitCodes.Ok;
        }

        string[] header = ["name", "shape", "classes", "found", "location", "how to get"];
        var rows = entries.Select(e => new[]
        {
            e.Name, e.Shape.ToString(), e.Classes.ToString(), e.Found ? "yes" : "no", e.Location, e.Found ? "" : e.HowToGet,
        }).Prepend(header).ToList();
        int[] widths = Enumerable.Range(0, header.Length - 1).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
            context.Out.WriteLine(string.Join("  ", row.Take(widths.Length).Select((cell, c) => cell.PadRight(widths[c])).Append(row[^1])).TrimEnd());
        return ExitCodes.Ok;
    }
}
