using System.Globalization;
using AngleSharp.Html.Parser;
using RobustLab.Tests.Api;
using RobustLab.Training.Certification;
using RobustLab.Training.Loop;
using RobustLab.Web.Reproduction;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Reproduction;

/// <summary>
/// A finished two-seed sweep of a baseline, one augmentation and one regularizer setting (attacked, one run certified)
/// as the report sees it: the HTML parses, carries every figure as inline SVG and no external address, and its tables
/// say the same numbers as the comparisons; CSV reads back exactly, LaTeX to the digits shown.
/// </summary>
public sealed class ReproductionReportTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("robustlab-report-").FullName;
    readonly ReproductionResults _results;

    public ReproductionReportTests()
    {
        var store = new FakeRunStore(_folder);
        var template = new TrainingOptions { Dataset = "fashion-mnist", Model = "lenet", Epochs = 1, TrainSubset = 500 };
        var runs = new List<RunEntity>();
        void Add(TrainingOptions o, double accuracy, double gnr, double seconds, bool certify = false)
        {
            var metrics = AttackReports.WithAttacks(AttackReports.Report(("fgsm", 1e-3 * (1 + gnr)), ("deepfool", 2e-3 * (1 + gnr))), accuracy) with
            {
                Gnr = gnr, GnrMean = gnr,
                Certification = certify
                    ? [new CertificationMetrics(0.25, 100, 1000, 0.001, 0, 50, 1, [new CertifiedPoint(0, 0.8), new CertifiedPoint(0.5, 0.4)], 0.31, 0.27, 0.04, 0.93, 32, 3)]
                    : null,
            };
            runs.Add(store.Add(o, run =>
            {
                FakeRunStore.Succeed(run, metrics);
                run.EpochReports = [new EpochEntity { RunId = run.Id, Epoch = 1, Seconds = seconds, ImagesPerSecond = 500, RecordedAt = DateTimeOffset.UtcNow }];
            }));
        }
        foreach (int seed in new[] { 0, 1 })
        {
            Add(template with { Method = TrainingMethod.Baseline, Seed = seed }, 0.80 + 0.01 * seed, 0.50 + 0.02 * seed, 10 + seed);
            Add(template with { Method = TrainingMethod.Augmentation, Sigma = 0.25, Copies = 2, Seed = seed }, 0.81 - 0.005 * seed, 0.60 + 0.01 * seed, 30 + seed);
            Add(template with { Method = TrainingMethod.Regularizer, Sigma = 0.25, Alpha = 1, Seed = seed }, 0.82 + 0.003 * seed, 0.70 + 0.015 * seed, 20 + seed, certify: seed == 0);
        }
        var request = new SweepRequest { Dataset = "fashion-mnist", Methods = ["baseline", "augmentation", "regularizer"], Sigma = [0.25], Alpha = [1], Copies = [2], Seed = [0, 1], Epochs = 1, TrainSubset = 500 };
        var sweep = new SweepEntity { Id = Guid.NewGuid(), Dataset = "fashion-mnist", Model = "lenet", CreatedAt = DateTimeOffset.UtcNow, ReusedRunIds = [runs[0].Id] };
        _results = ReproductionResults.Of(new SweepRunSet(sweep, request, runs, new HashSet<Guid> { runs[0].Id }));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    string Html() => ReproductionReport.Html(_results, ReportEnvironment.Describe());

    [Fact]
    public void Html_report_parses_embeds_every_figure_as_svg_and_names_no_external_address()
    {
        string html = Html();
        var document = new HtmlParser().ParseDocument(html);

        foreach (var figure in ReproductionFigures.All(_results))
        {
            var svg = document.QuerySelector($"svg#{figure.Id}");
            Assert.True(svg is not null, $"figure {figure.Id} is not embedded");
            // Drawn, not an empty frame: every series has its group, and there are points or lines in it.
            Assert.Equal(figure.Series.Count, svg.QuerySelectorAll("g.series").Length);
            Assert.NotEmpty(svg.QuerySelectorAll("circle, polyline"));
        }
        // Error bars: two seeds per setting give a spread, drawn as paths.
        Assert.NotEmpty(document.QuerySelector($"svg#{ReproductionFigures.AccuracyId}")!.QuerySelectorAll("path"));

        Assert.Empty(document.QuerySelectorAll("script, link, img, iframe, object, embed"));
        foreach (var element in document.All)
            foreach (var attribute in element.Attributes.Where(a => a.Name is "src" or "href" or "xlink:href" or "action"))
                Assert.Fail($"<{element.LocalName} {attribute.Name}=\"{attribute.Value}\"> points elsewhere");
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("url(", html);

        // The configuration, every run id, the machine and software.
        Assert.Contains("fashion-mnist", document.QuerySelector("table#configuration")!.TextContent);
        foreach (var run in _results.Set.Runs) Assert.Contains(run.Id.ToString(), document.QuerySelector("table#table-runs")!.TextContent);
        string environment = document.QuerySelector("table#environment")!.TextContent;
        Assert.Contains("TorchSharp", environment);
        Assert.Contains(".NET", environment);
    }

    [Fact]
    public void Html_report_has_the_seed_spread_fair_comparison_attacks_and_certified_tables()
    {
        var document = new HtmlParser().ParseDocument(Html());
        var settings = document.QuerySelector("table#table-settings")!;
        var rows = settings.QuerySelectorAll("tbody tr");
        Assert.Equal(3, rows.Length);
        var columns = settings.QuerySelectorAll("thead th").Select(th => th.TextContent).ToList();
        var regularizer = rows.Single(r => r.TextContent.Contains("regularizer"));
        var cells = regularizer.QuerySelectorAll("td").Select(td => td.TextContent).ToList();
        Assert.Equal("2", cells[columns.IndexOf("seeds")]);
        // GNR 0.70 and 0.715: mean 0.7075, sample std 0.015 / sqrt(2).
        Assert.Equal("0.7075", cells[columns.IndexOf("gnr")]);
        Assert.Equal((0.015 / Math.Sqrt(2)).ToString("0.####", CultureInfo.InvariantCulture), cells[columns.IndexOf("gnrStd")]);

        Assert.NotNull(document.QuerySelector("table#table-fair"));
        Assert.Equal(6, document.QuerySelectorAll("table#table-attacks tbody tr").Length);
        Assert.Single(document.QuerySelectorAll("table#table-certified tbody tr"));
        Assert.Null(document.QuerySelector("table#table-corruptions")); // no run has a corruption report
        Assert.Contains(_results.Fair.Advantage.Statement, document.QuerySelector("#advantage")!.TextContent);
    }

    [Fact]
    public void Csv_reads_back_to_the_exact_numbers_of_the_comparison()
    {
        var table = ReportTables.Named(_results, ReportTables.Settings)!;
        var lines = ReportFormats.Csv(table).TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        Assert.Equal(table.Columns, header);
        Assert.Equal(_results.TradeOff.Settings.Count, lines.Length - 1);
        foreach (var (line, setting) in lines.Skip(1).Zip(_results.TradeOff.Settings))
        {
            var cells = line.Split(',');
            double Read(string column) => double.Parse(cells[Array.IndexOf(header, column)], CultureInfo.InvariantCulture);
            Assert.Equal(setting.Setting.Label, cells[0]);
            Assert.Equal(setting.Accuracy, Read("accuracy"));
            Assert.Equal(setting.Gnr, Read("gnr"));
            Assert.Equal(setting.GnrSpread.Std!.Value, Read("gnrStd"));
            Assert.Equal(setting.TrainingSeconds, Read("trainingSeconds"));
        }
    }

    [Fact]
    public void Latex_tabulars_read_back_to_the_digits_shown_with_special_characters_escaped()
    {
        string tex = ReportFormats.Latex(ReportTables.All(_results), ReproductionReport.Title(_results));
        Assert.Equal(ReportTables.All(_results).Count, CountOf(tex, "\\begin{tabular}"));
        Assert.Equal(CountOf(tex, "\\begin{tabular}"), CountOf(tex, "\\end{tabular}"));
        Assert.Contains("N\\textasciitilde{}=2", tex);

        // The settings tabular: the rows between the header's \hline and the closing one.
        string block = tex[..tex.IndexOf("\\label{tab:settings}", StringComparison.Ordinal)];
        block = block[block.LastIndexOf("\\begin{tabular}", StringComparison.Ordinal)..];
        var rows = block.Split('\n').Where(l => l.EndsWith(" \\\\")).Select(l => l[..^3].Split(" & ")).ToList();
        var header = rows[0];
        Assert.Equal(ReportTables.Named(_results, ReportTables.Settings)!.Columns.Count, header.Length);
        foreach (var (cells, setting) in rows.Skip(1).Zip(_results.TradeOff.Settings))
        {
            double Read(string column) => double.Parse(cells[Array.IndexOf(header, column)], CultureInfo.InvariantCulture);
            Assert.Equal(setting.Accuracy, Read("accuracy"), 4);
            Assert.Equal(setting.Gnr, Read("gnr"), 4);
            Assert.Equal(setting.GnrSpread.Std!.Value, Read("gnrStd"), 4);
        }
    }

    [Fact]
    public void Csv_cells_with_commas_or_quotes_are_quoted()
    {
        Assert.Equal("\"a,b\"", ReportFormats.CsvCell("a,b"));
        Assert.Equal("\"say \"\"hi\"\"\"", ReportFormats.CsvCell("say \"hi\""));
        Assert.Equal("plain", ReportFormats.CsvCell("plain"));
    }

    static int CountOf(string text, string what) => (text.Length - text.Replace(what, "").Length) / what.Length;
}
