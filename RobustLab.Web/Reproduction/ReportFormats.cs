using System.Text;

namespace RobustLab.Web.Reproduction;

/// <summary>The report's tables as CSV (one table, numbers in full) and as LaTeX tabulars (every table, numbers as shown).</summary>
public static class ReportFormats
{
    public static string Csv(ReportTable table)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', table.Columns.Select(CsvCell))).Append('\n');
        foreach (var row in table.Rows) csv.Append(string.Join(',', row.Select(v => CsvCell(v.Exact)))).Append('\n');
        return csv.ToString();
    }

    /// <summary>RFC 4180: a cell with a comma, quote or line break is quoted, quotes doubled.</summary>
    public static string CsvCell(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;

    /// <summary>
    /// Every table as a <c>table</c> float holding a <c>tabular</c> (numbers right-aligned, text left), with its caption and
    /// the label <c>tab:NAME</c>; needs no package beyond LaTeX itself.
    /// </summary>
    public static string Latex(IEnumerable<ReportTable> tables, string title)
    {
        var tex = new StringBuilder();
        tex.Append("% ").Append(title).Append(" (RobustLab report)\n");
        foreach (var table in tables)
        {
            string align = string.Concat(table.Columns.Select((_, i) => table.Rows.Count > 0 && table.Rows.All(r => r[i].IsNumber || r[i].Display == "") && table.Rows.Any(r => r[i].IsNumber) ? "r" : "l"));
            tex.Append("\n\\begin{table}[ht]\n\\centering\n\\begin{tabular}{").Append(align).Append("}\n\\hline\n");
            tex.Append(string.Join(" & ", table.Columns.Select(Escape))).Append(" \\\\\n\\hline\n");
            foreach (var row in table.Rows) tex.Append(string.Join(" & ", row.Select(v => Escape(v.Display)))).Append(" \\\\\n");
            tex.Append("\\hline\n\\end{tabular}\n\\caption{").Append(Escape(table.Caption)).Append("}\n\\label{tab:").Append(table.Name).Append("}\n\\end{table}\n");
        }
        return tex.ToString();
    }

    /// <summary>LaTeX's special characters in text mode.</summary>
    public static string Escape(string text)
    {
        var s = new StringBuilder(text.Length);
        foreach (char c in text)
            s.Append(c switch
            {
                '\\' => @"\textbackslash{}",
                '&' or '%' or '$' or '#' or '_' or '{' or '}' => "\\" + c,
                '~' => @"\textasciitilde{}",
                '^' => @"\textasciicircum{}",
                '±' => @"$\pm$",
                _ => c.ToString(),
            });
        return s.ToString();
    }
}
