using Microsoft.Extensions.DependencyInjection.Extensions;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Reproduction;

/// <summary>
/// The one builder of a sweep's report from the run store: the HTML file, a table as CSV, every table as LaTeX. The API's
/// downloads and <c>robustlab report</c> call it; null means there is no such sweep.
/// </summary>
public sealed class SweepReportBuilder(IRunStore store, TimeProvider? clock = null)
{
    public async Task<ReproductionResults?> ResultsAsync(Guid sweepId, CancellationToken ct = default) =>
        await new SweepRuns(store).LoadAsync(sweepId, ct) is { } set ? ReproductionResults.Of(set) : null;

    public async Task<string?> HtmlAsync(Guid sweepId, CancellationToken ct = default) =>
        await ResultsAsync(sweepId, ct) is { } results ? ReproductionReport.Html(results, ReportEnvironment.Describe(clock)) : null;

    /// <summary>The named table (<see cref="ReportTables.Names"/>) as CSV; throws an ArgumentException naming "table" for an unknown name.</summary>
    public async Task<string?> CsvAsync(Guid sweepId, string table, CancellationToken ct = default)
    {
        if (!ReportTables.Names.Contains(table))
            throw new ArgumentException($"table must be one of {string.Join(", ", ReportTables.Names)} (got '{RequestLimits.Echo(table)}').", nameof(table));
        return await ResultsAsync(sweepId, ct) is { } results ? ReportFormats.Csv(ReportTables.Named(results, table)!) : null;
    }

    public async Task<string?> LatexAsync(Guid sweepId, CancellationToken ct = default) =>
        await ResultsAsync(sweepId, ct) is { } results ? ReportFormats.Latex(ReportTables.All(results), ReproductionReport.Title(results)) : null;
}

/// <summary>The Reproduce page's and the report downloads' services. Needs the run store and, to queue, the job engine's queue.</summary>
public static class ReproductionServices
{
    public static IServiceCollection AddReproductionServices(this IServiceCollection services)
    {
        services.TryAddScoped<SweepReportBuilder>(sp => new SweepReportBuilder(sp.GetRequiredService<IRunStore>(), sp.GetService<TimeProvider>()));
        services.TryAddScoped<SweepRuns>();
        services.TryAddScoped<ReproductionSubmitter>();
        return services;
    }
}
