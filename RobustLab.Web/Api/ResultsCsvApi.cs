using Microsoft.AspNetCore.Http.HttpResults;
using System.Globalization;
using System.Text;
using RobustLab.Training.Attacks;
using RobustLab.Training.Certification;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Api;

/// <summary>
/// GET /api/results.csv: one row per run (the filters of GET /api/runs), configuration columns then metric columns,
/// in the invariant culture (0.5, never 0,5), for pandas or a spreadsheet. Metric cells are empty until a run is evaluated.
/// Attack columns (paper Table 1) come before the error, four per attack in catalogue order, empty where the run was not attacked:
/// success rate and median minimal perturbation in L2, L-inf and MSE ("NaN" when the attack fooled no image). Then the
/// certification scalars (<see cref="CertificationColumns"/>, of the smallest certified sigma) and the corruption scalars
/// (<see cref="CorruptionColumns"/>), empty where the run was not certified or measured.
/// </summary>
public static class ResultsCsvApi
{
    // Declared before Columns, which reads them in its initializer.
    /// <summary>
    /// The certification of the run's first certified sigma (the smallest; the run's metrics hold the others, and
    /// GET /api/runs/{id}/certification.csv?sigma=S the per-image rows of each): certified accuracy at the fixed radii.
    /// </summary>
    public static readonly string[] CertificationColumns =
    [
        "certifySigma", "certifiedAuc", "acr", .. CertificationSummary.FixedRadii.Select(r => "certifiedAccuracyAt" + Radius(r)),
        "abstainRate", "majorityVote",
    ];

    /// <summary>Common corruptions: mean corruption accuracy, relative mCE (empty without a baseline), clean ECE and NLL.</summary>
    public static readonly string[] CorruptionColumns = ["meanCorruptionAccuracy", "relativeMce", "cleanEce", "cleanNll"];

    /// <summary>0.25 as "0_25": a column name without a dot.</summary>
    static string Radius(double r) => r.ToString("0.##", CultureInfo.InvariantCulture).Replace('.', '_');

    public static readonly string[] Columns =
    [
        "id", "sweepId", "status", "dataset", "model", "method", "sigma", "alpha", "copies", "epochs", "trainSubset",
        "testSubset", "batchSize", "lr", "seed", "device", "epochsDone", "createdAt", "startedAt", "finishedAt",
        "testAccuracy", "testImages", "gnr", "gnrMean", "momentAccuracy", "momentGap", "momentSigma", "momentGapImages",
        "momentGapSamples", "evalSeed", "attackSamples", "attacked",
        .. AttackCatalog.Names.SelectMany(a => new[] { a + "SuccessRate", a + "MedianL2", a + "MedianLinf", a + "MedianMse" }),
        .. CertificationColumns, .. CorruptionColumns,
        "error",
    ];


    const int PageSize = 500;
    const int MaxRows = 100_000;

    public static IEndpointRouteBuilder MapResultsCsv(this IEndpointRouteBuilder api)
    {
        api.MapGet("/results.csv", ResultsCsv)
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithSummary("All runs as CSV (one row per run); the same filters as GET /api/runs.");
        return api;
    }

    static async Task<Results<FileContentHttpResult, ValidationProblem>> ResultsCsv(HttpRequest request, IRunStore store, CancellationToken ct)
    {
        var errors = new FieldProblems();
        var filter = RunQuery.Parse(request, errors, defaultTake: PageSize);
        if (errors.Count > 0) return ApiProblems.Invalid(errors.ToProblem());

        var runs = new List<RunEntity>();
        if (request.Query.ContainsKey("take"))
            runs.AddRange(await store.ListRunsAsync(filter, ct));
        else
        {
            // No explicit page: every matching run, read page by page.
            for (int skip = filter.Skip; runs.Count < MaxRows; skip += PageSize)
            {
                var page = await store.ListRunsAsync(filter with { Skip = skip, Take = PageSize }, ct);
                runs.AddRange(page);
                if (page.Count < PageSize) break;
            }
        }
        byte[] bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(Write(runs));
        return TypedResults.File(bytes, "text/csv; charset=utf-8", "results.csv");
    }

    public static string Write(IEnumerable<RunEntity> runs)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', Columns)).Append('\n');
        foreach (var run in runs)
            csv.Append(string.Join(',', Row(run).Select(Escape))).Append('\n');
        return csv.ToString();
    }

    static IEnumerable<string> Row(RunEntity run)
    {
        var o = run.ReadOptions();
        Protocol? p = null;
        try { p = o.Resolve(); } catch (ArgumentException) { }
        var m = run.ReadMetrics();
        return
        [
            run.Id.ToString(), run.SweepId?.ToString() ?? "", run.Status.Name(), o.Dataset, o.Model, o.Method.Name(),
            N(o.Sigma), N(o.Alpha), N(o.Copies), N(p?.Epochs ?? o.Epochs), N(o.TrainSubset), N(o.TestSubset),
            N(p?.BatchSize ?? o.BatchSize), N(p?.LearningRate ?? o.LearningRate), N(o.Seed), o.Device, N(run.Epoch),
            T(run.CreatedAt), T(run.StartedAt), T(run.FinishedAt),
            N(m?.TestAccuracy ?? run.TestAccuracy), N(m?.TestImages), N(m?.Gnr ?? run.Gnr), N(m?.GnrMean ?? run.GnrMean),
            N(m?.MomentAccuracy ?? run.MomentAccuracy), N(m?.MomentGap ?? run.MomentGap), N(m?.MomentSigma),
            N(m?.MomentGapImages), N(m?.MomentGapSamples), N(m?.Seed),
            N(m?.Attacks?.Samples), N(m?.Attacks?.Attacked),
            .. AttackCatalog.Names.SelectMany(a => AttackCells(m?.Attacks?[a])),
            .. CertificationCells(m?.Certification is { Count: > 0 } c ? c.MinBy(x => x.Sigma) : null),
            .. CorruptionCells(m?.Corruptions),
            run.Error ?? "",
        ];
    }

    static string[] AttackCells(AttackMetrics? a) =>
        a is null ? ["", "", "", ""] : [N(a.SuccessRate), N(a.L2.Median), N(a.Linf.Median), N(a.Mse.Median)];

    static string[] CertificationCells(CertificationMetrics? c) =>
        c is null ? [.. CertificationColumns.Select(_ => "")]
            : [N(c.Sigma), N(c.CertifiedAuc), N(c.AverageCertifiedRadius),
               .. CertificationSummary.FixedRadii.Select(r => N(c.CertifiedAccuracy.FirstOrDefault(p => p.Radius == r)?.Accuracy)),
               N(c.AbstainRate), N(c.MajorityVote)];

    static string[] CorruptionCells(CorruptionReport? r) =>
        r is null ? [.. CorruptionColumns.Select(_ => "")]
            : [N(r.MeanCorruptionAccuracy), N(r.Errors?.RelativeMce), N(r.Clean.Ece), N(r.Clean.Nll)];

    static string N(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "";
    static string N(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";
    static string T(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "";

    /// <summary>RFC 4180: a cell with a comma, quote or line break is quoted, quotes doubled.</summary>
    static string Escape(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
