using System.Globalization;

namespace RobustLab.Web.Reproduction;

/// <summary>A cell: text, or a number shown with a format (CSV writes the number in full, so it reads back exactly).</summary>
public sealed record ReportValue(string? Text, double? Number, string Format = "0.####")
{
    public static ReportValue Of(string? text) => new(text ?? "", null);
    public static ReportValue Of(double? number, string format = "0.####") =>
        number is { } n && double.IsFinite(n) ? new(null, n, format) : new("", null);

    public bool IsNumber => Number is not null;

    /// <summary>As shown in the HTML and LaTeX tables.</summary>
    public string Display => Number is { } n ? n.ToString(Format, CultureInfo.InvariantCulture) : Text ?? "";

    /// <summary>As written to CSV: round-trip precision for numbers.</summary>
    public string Exact => Number is { } n ? n.ToString("R", CultureInfo.InvariantCulture) : Text ?? "";
}

/// <summary>One table of the report: a name (the CSV's ?table= and the LaTeX label), a caption, columns and rows.</summary>
public sealed record ReportTable(string Name, string Caption, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<ReportValue>> Rows)
{
    public bool IsEmpty => Rows.Count == 0;
}
