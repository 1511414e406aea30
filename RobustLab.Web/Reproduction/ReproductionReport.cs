using System.Globalization;
using System.Net;
using System.Text;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Reproduction;

/// <summary>
/// The downloadable report of a sweep: one self-contained HTML file (styles inline, figures as inline SVG, no script and
/// no external address) with the configuration, the figures, the tables with the seed spread, the machine and software,
/// and the run ids. The dashboard's download and <c>robustlab report</c> both call <see cref="Html"/>.
/// </summary>
public static class ReproductionReport
{
    const string Style =
        "body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222}h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}" +
        "table{border-collapse:collapse;margin:.5em 0 1em;font-size:.85em}th,td{border:1px solid #ccc;padding:2px 6px}td.n{text-align:right}" +
        "caption{caption-side:top;text-align:left;font-size:.9em;color:#444;padding:.3em 0}.figures{display:flex;flex-wrap:wrap;gap:1em}" +
        "p.note{color:#444;font-size:.9em}code{font-size:.85em}";

    public static string FileName(Guid sweepId, string extension) => $"robustlab-report-{sweepId}.{extension}";

    public static string Title(ReproductionResults r) => $"RobustLab reproduction: {r.Set.Sweep.Dataset}, {r.Set.Sweep.Model}";

    public static string Html(ReproductionResults results, IReadOnlyList<(string Label, string Value)> environment)
    {
        var set = results.Set;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(Title(results)))
            .Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        html.Append("<h1>").Append(E(Title(results))).Append("</h1>\n");
        html.Append("<p class=\"note\">Sweep <code>").Append(set.Sweep.Id).Append("</code>, submitted ")
            .Append(set.Sweep.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)).Append(". ")
            .Append(E(StatusLine(set))).Append("</p>\n");

        html.Append("<h2 id=\"configuration\">Configuration</h2>\n");
        KeyValues(html, "configuration", Configuration(set));

        html.Append("<h2 id=\"figures\">Figures</h2>\n<p class=\"note\">Every point is the mean over its seeds; error bars are one sample standard deviation (none for a single seed).</p>\n<div class=\"figures\">\n");
        foreach (var figure in ReproductionFigures.All(results)) html.Append("<figure>").Append(figure.Svg()).Append("</figure>\n");
        html.Append("</div>\n");
        html.Append("<p class=\"note\" id=\"folds\">").Append(E(results.Fair.Folds.Statement)).Append("</p>\n");
        html.Append("<p class=\"note\" id=\"advantage\">").Append(E(results.Fair.Advantage.Statement)).Append("</p>\n");

        html.Append("<h2 id=\"tables\">Tables</h2>\n");
        foreach (var table in ReportTables.All(results)) Table(html, table);

        html.Append("<h2 id=\"environment\">Machine and software</h2>\n");
        KeyValues(html, "environment", environment);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>"5 runs: 3 succeeded, 1 running, 1 queued (2 reused)."; a report made before the end says it is partial.</summary>
    public static string StatusLine(SweepRunSet set)
    {
        var parts = set.Runs.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
        string line = $"{set.Runs.Count} runs: {string.Join(", ", parts)} ({set.Reused.Count} reused).";
        return set.IsFinished ? line : line + " Partial: runs were still queued or running.";
    }

    static IReadOnlyList<(string, string)> Configuration(SweepRunSet set)
    {
        var r = set.Request;
        string List<T>(IEnumerable<T>? values) => values is null ? "" : string.Join(", ", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
        string Or(object? value, string otherwise) => value is null ? otherwise : Convert.ToString(value, CultureInfo.InvariantCulture)!;
        var rows = new List<(string, string)> { ("data set", set.Sweep.Dataset), ("model", set.Sweep.Model) };
        if (r is not null)
        {
            rows.AddRange([
                ("methods", List(r.Methods)), ("sigma (augmentation)", List(r.Sigma)), ("sigma (regularizer)", List(SweepPlanner.RegularizerSigmas(r))),
                ("alpha", List(r.Alpha)), ("N~", List(r.Copies)), ("seeds", List(r.Seed.Count > 0 ? r.Seed : [0])),
                ("epochs", Or(r.Epochs, "the model's protocol")), ("training subset", Or(r.TrainSubset, "all")),
                ("test subset", Or(r.TestSubset, "all")), ("batch size", Or(r.BatchSize, "the model's protocol")),
                ("learning rate", Or(r.LearningRate, "the model's protocol")), ("attacks", r.Attacks.Count > 0 ? List(r.Attacks) : "none"),
                ("device", r.Device),
            ]);
        }
        rows.Add(("devices of the runs", string.Join(", ", set.Runs.Select(x => x.Device).Distinct())));
        return rows;
    }

    static void KeyValues(StringBuilder html, string id, IEnumerable<(string Label, string Value)> rows)
    {
        html.Append("<table id=\"").Append(id).Append("\">");
        foreach (var (label, value) in rows) html.Append("<tr><th>").Append(E(label)).Append("</th><td>").Append(E(value)).Append("</td></tr>");
        html.Append("</table>\n");
    }

    static void Table(StringBuilder html, ReportTable table)
    {
        html.Append("<table id=\"table-").Append(table.Name).Append("\" data-table=\"").Append(table.Name).Append("\"><caption>")
            .Append(E(table.Caption)).Append("</caption><thead><tr>");
        foreach (string column in table.Columns) html.Append("<th>").Append(E(column)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        if (table.IsEmpty) html.Append("<tr><td colspan=\"").Append(table.Columns.Count).Append("\">No rows yet.</td></tr>");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append(cell.IsNumber ? "<td class=\"n\">" : "<td>").Append(E(cell.Display)).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>\n");
    }

    static string E(string s) => WebUtility.HtmlEncode(s);
}
