using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using RobustLab.Web.Reproduction;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Api;

/// <summary>
/// A sweep's report (<see cref="SweepReportBuilder"/>, the same file as <c>robustlab report</c>):
/// GET /api/sweeps/{id}/report (self-contained HTML), /api/sweeps/{id}/report.csv?table=settings|fair|attacks|certified|corruptions|runs
/// (one table) and /api/sweeps/{id}/report.tex (every table as a LaTeX tabular). Each is a download; 404 for an unknown sweep.
/// </summary>
public static class SweepReportApi
{
    static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Maps the three downloads; returns the group (the fallback policy authenticates it as every other endpoint).</summary>
    public static RouteGroupBuilder MapSweepReportApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/sweeps/{id}").WithTags("Sweeps");
        api.MapGet("/report", Html).Produces(StatusCodes.Status200OK, contentType: "text/html").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The sweep's report: one self-contained HTML file (configuration, Fig. 2 and 3 as SVG, tables, seed spread, machine, run ids).");
        api.MapGet("/report.csv", Csv).Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary($"One table of the report as CSV; table is one of {string.Join(", ", ReportTables.Names)} (default settings).");
        api.MapGet("/report.tex", Latex).Produces(StatusCodes.Status200OK, contentType: "application/x-tex").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Every table of the report as a LaTeX tabular.");
        return api;
    }

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Html(string id, SweepReportBuilder reports, CancellationToken ct) =>
        Guid.TryParse(id, out var guid) && await reports.HtmlAsync(guid, ct) is { } html
            ? TypedResults.File(Utf8.GetBytes(html), "text/html; charset=utf-8", ReproductionReport.FileName(guid, "html"))
            : NotFound(id);

    static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> Csv(string id, string? table, SweepReportBuilder reports, CancellationToken ct)
    {
        string name = string.IsNullOrWhiteSpace(table) ? ReportTables.Settings : table.Trim().ToLowerInvariant();
        if (!ReportTables.Names.Contains(name))
        {
            var errors = new FieldProblems();
            errors.Add("table", $"table must be one of {string.Join(", ", ReportTables.Names)} (got '{RequestLimits.Echo(table)}').");
            return ApiProblems.Invalid(errors.ToProblem());
        }
        return Guid.TryParse(id, out var guid) && await reports.CsvAsync(guid, name, ct) is { } csv
            ? TypedResults.File(Utf8.GetBytes(csv), "text/csv; charset=utf-8", $"robustlab-report-{guid}-{name}.csv")
            : NotFound(id);
    }

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Latex(string id, SweepReportBuilder reports, CancellationToken ct) =>
        Guid.TryParse(id, out var guid) && await reports.LatexAsync(guid, ct) is { } tex
            ? TypedResults.File(Utf8.GetBytes(tex), "application/x-tex; charset=utf-8", ReproductionReport.FileName(guid, "tex"))
            : NotFound(id);

    static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Sweep not found", detail: $"There is no sweep '{RequestLimits.Echo(id)}'.");
}
