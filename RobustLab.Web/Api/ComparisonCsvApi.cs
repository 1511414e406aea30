using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using RobustLab.Training.Data;
using RobustLab.Training.Loop;
using RobustLab.Training.Models;
using RobustLab.Web.Comparison;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Api;

/// <summary>
/// GET /api/comparison.csv?dataset=&amp;model=&amp;tolerance=&amp;gnr=&amp;rows=: the fair-comparison table (docs/method.md
/// section 6) of one data set and model as CSV, in the invariant culture. tolerance is in accuracy percentage points
/// (default: the data set's, <see cref="FairComparison.DefaultTolerance"/>); gnr is trapezoid (default, the runs'
/// <c>gnr</c>) or mean (<c>gnrMean</c>); rows=best (default) gives the most robust eligible setting per method, as the
/// page's table, rows=all every setting with its eligible and best flags. Accuracy and GNR are fractions; each row is a
/// setting averaged over its seeds: <c>seeds</c> is n, the <c>...Std</c> columns the sample standard deviation over them
/// (empty for one seed), <c>welchPValue</c> the p-value of the Welch test of the best regulariser's GNR against the best
/// augmentation's, on those two rows (empty where there is no test). The seed columns come last, so the earlier columns
/// keep their places. Without a baseline run there is nothing to compare: 409 saying to run one first.
/// </summary>
public static class ComparisonCsvApi
{
    public static readonly string[] Columns =
    [
        "dataset", "model", "method", "sigma", "alpha", "copies", "seeds", "testAccuracy", "gnr", "gnrScalar",
        "trainingSeconds", "eligible", "best", "baselineAccuracy", "tolerancePercent", "threshold",
        "testAccuracyStd", "gnrStd", "trainingSecondsStd", "baselineSeeds", "baselineAccuracyStd", "welchPValue",
    ];

    /// <summary>Maps GET /api/comparison.csv; returns the group so access control can be applied to it.</summary>
    public static RouteGroupBuilder MapComparisonApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Comparison");
        api.MapGet("/comparison.csv", ComparisonCsv)
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("The fair comparison of one data set and model as CSV: the most robust model per method within the accuracy tolerance.");
        return api;
    }

    static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> ComparisonCsv(
        HttpRequest request, ComparisonRunSource source, FairComparison comparison, CancellationToken ct)
    {
        var q = request.Query;
        string? Text(string name) => q.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;
        var errors = new FieldProblems();

        string dataset = (Text("dataset") ?? "").ToLowerInvariant();
        if (dataset.Length == 0)
            errors.Add("dataset", $"dataset is required: one of {string.Join(", ", DatasetCatalog.Names)}.");
        else if (!DatasetCatalog.Names.Contains(dataset))
            errors.Add("dataset", $"unknown dataset '{dataset}'; use one of {string.Join(", ", DatasetCatalog.Names)}.");

        string model = (Text("model") ?? "lenet").ToLowerInvariant();
        if (!ModelFactory.Architectures.Contains(model)) errors.Add(RunRequestValidation.UnknownModel(model));

        double? tolerance = null;
        if (Text("tolerance") is { } t)
        {
            if (double.TryParse(t.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed)
                && double.IsFinite(parsed) && parsed is >= 0 and <= 100)
                tolerance = parsed;
            else
                errors.Add("tolerance", $"tolerance must be accuracy percentage points in [0, 100], like 0.39 (got '{t}').");
        }

        if (!GnrScalars.TryParse(Text("gnr"), out var scalar))
            errors.Add("gnr", $"gnr must be trapezoid (the runs' gnr) or mean (gnrMean) (got '{Text("gnr")}').");

        string rows = (Text("rows") ?? "best").ToLowerInvariant();
        if (rows is not ("best" or "all")) errors.Add("rows", $"rows must be best or all (got '{rows}').");

        if (errors.Count > 0) return ApiProblems.Invalid(errors.ToProblem());

        var runs = await source.LoadAsync(dataset, model, ct);
        var result = comparison.Compare(dataset, model, runs, tolerance, scalar);
        if (!result.HasBaseline)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "No baseline to compare with",
                detail: result.MissingBaseline);

        byte[] bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(Write(result, allRows: rows == "all"));
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"comparison-{dataset}-{model}.csv");
    }

    /// <summary>The CSV text: a header, then one row per setting (best per method, or every setting).</summary>
    public static string Write(FairComparisonResult result, bool allRows = false)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', Columns)).Append('\n');
        var settings = allRows ? result.Settings : result.Settings.Where(s => s.Best);
        var advantage = result.Advantage;
        foreach (var s in settings)
        {
            var r = s.Result;
            bool tested = s.Best && (r == advantage.Regularizer || r == advantage.Augmentation);
            string[] row =
            [
                result.Dataset, result.Model, r.Setting.Method.Name(), N(r.Setting.Sigma), N(r.Setting.Alpha),
                r.Setting.Copies.ToString(CultureInfo.InvariantCulture), r.Seeds.ToString(CultureInfo.InvariantCulture),
                N(r.Accuracy), N(r.Gnr), result.Scalar.Name(), N(r.TrainingSeconds), B(s.Eligible), B(s.Best),
                N(result.Baseline?.Accuracy), N(result.TolerancePercent), N(result.Baseline?.Threshold),
                N(r.AccuracySpread.Std), N(r.GnrSpread.Std), N(r.TrainingSecondsSpread.Std),
                result.Baseline?.Runs.ToString(CultureInfo.InvariantCulture) ?? "", N(result.Baseline?.AccuracySpread.Std),
                N(tested ? advantage.Test?.PValue : null),
            ];
            csv.Append(string.Join(',', row)).Append('\n');
        }
        return csv.ToString();
    }

    static string N(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "";
    static string B(bool v) => v ? "true" : "false";
}
