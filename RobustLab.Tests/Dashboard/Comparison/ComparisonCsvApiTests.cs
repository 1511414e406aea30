using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RobustLab.Tests.Api;
using RobustLab.Tests.Loop;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Api;
using RobustLab.Web.Comparison;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>GET /api/comparison.csv on a test server over the in-memory run store (a temp data folder, no training).</summary>
public sealed class ComparisonCsvApiTests : IAsyncLifetime
{
    readonly TempFolder _folder = new();
    WebApplication _app = null!;
    HttpClient _client = null!;
    FakeRunStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new FakeRunStore(_folder.Path);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<IRunStore>(_store);
        builder.Services.AddProblemDetails();
        builder.Services.AddComparisonServices();
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapComparisonApi();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    RunEntity Add(TrainingMethod method, double sigma, double alpha, int copies, double accuracy, double gnr, int seed = 0,
        string dataset = "cifar10", params double[] epochSeconds)
    {
        var options = new TrainingOptions
        {
            Dataset = dataset, Model = "lenet", Method = method, Sigma = sigma, Alpha = alpha, Copies = copies, Seed = seed, Epochs = 2,
        };
        return _store.Add(options, run =>
        {
            FakeRunStore.Succeed(run, new EvaluationResult(accuracy, 1000, gnr, gnr / 2, [new GnrPoint(0, 1), new GnrPoint(0.5, gnr)], 0.5, 0.01, sigma, 8, 4, seed));
            run.EpochReports = epochSeconds.Select((s, i) => new EpochEntity { RunId = run.Id, Epoch = i + 1, Seconds = s }).ToList();
        });
    }

    [Fact]
    public async Task Csv_has_a_header_and_one_invariant_culture_row_per_method_with_the_best_setting()
    {
        Add(TrainingMethod.Baseline, 0, 0, 0, 0.9, 0.3, epochSeconds: [10, 11]);
        Add(TrainingMethod.Regularizer, 0.25, 1.5, 0, 0.8990, 0.75, epochSeconds: [12.5, 12.25]);
        Add(TrainingMethod.Regularizer, 0.5, 1.5, 0, 0.85, 0.95, epochSeconds: [12, 12]); // below the 0.39% tolerance
        Add(TrainingMethod.Augmentation, 0.25, 0, 6, 0.9, 0.6, epochSeconds: [70, 70]);
        Add(TrainingMethod.Regularizer, 0.25, 1.5, 0, 0.9, 0.7, dataset: "mnist", epochSeconds: [1]); // another data set

        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE"); // a decimal comma must not leak into the file
        string csv;
        HttpResponseMessage response;
        try
        {
            response = await _client.GetAsync("/api/comparison.csv?dataset=cifar10&model=lenet");
            csv = await response.Content.ReadAsStringAsync();
        }
        finally { CultureInfo.CurrentCulture = previous; }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("comparison-cifar10-lenet.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal(string.Join(',', ComparisonCsvApi.Columns), lines[0]);
        Assert.Equal(
            [
                // One seed each: no standard deviation, no Welch test.
                "cifar10,lenet,baseline,0,0,0,1,0.9,0.3,trapezoid,21,true,true,0.9,0.39,0.8961,,,,1,,",
                "cifar10,lenet,augmentation,0.25,0,6,1,0.9,0.6,trapezoid,140,true,true,0.9,0.39,0.8961,,,,1,,",
                "cifar10,lenet,regularizer,0.25,1.5,0,1,0.899,0.75,trapezoid,24.75,true,true,0.9,0.39,0.8961,,,,1,,",
            ],
            lines.Skip(1));
    }

    [Fact]
    public async Task Rows_all_lists_every_setting_with_its_eligible_and_best_flags_and_tolerance_applies()
    {
        Add(TrainingMethod.Baseline, 0, 0, 0, 0.9, 0.3, epochSeconds: [10]);
        Add(TrainingMethod.Regularizer, 0.25, 1, 0, 0.89, 0.75, epochSeconds: [10]);
        Add(TrainingMethod.Regularizer, 0.5, 1, 0, 0.85, 0.95, epochSeconds: [10]);

        var strict = (await _client.GetStringAsync("/api/comparison.csv?dataset=cifar10&model=lenet&rows=all&tolerance=0")).TrimEnd('\n').Split('\n');
        Assert.Equal(4, strict.Length);
        Assert.EndsWith("0.89,0.75,trapezoid,10,false,false,0.9,0,0.9,,,,1,,", strict[2]);
        Assert.EndsWith("0.85,0.95,trapezoid,10,false,false,0.9,0,0.9,,,,1,,", strict[3]);

        var loose = (await _client.GetStringAsync("/api/comparison.csv?dataset=cifar10&model=lenet&rows=all&tolerance=5&gnr=mean")).TrimEnd('\n').Split('\n');
        Assert.Contains(",0.85,0.475,mean,10,true,true,", loose[3]);
        Assert.Contains(",0.89,0.375,mean,10,true,false,", loose[2]);
    }

    [Fact]
    public async Task Seeds_give_n_the_standard_deviations_and_the_welch_p_value_of_the_two_tested_rows()
    {
        Add(TrainingMethod.Baseline, 0, 0, 0, 0.90, 0.3, seed: 0, epochSeconds: [10]);
        Add(TrainingMethod.Baseline, 0, 0, 0, 0.92, 0.3, seed: 1, epochSeconds: [10]);
        double[] regularizerGnr = [0.71, 0.74, 0.78], augmentationGnr = [0.60, 0.61, 0.62, 0.60];
        for (int seed = 0; seed < 3; seed++)
            Add(TrainingMethod.Regularizer, 0.25, 1, 0, 0.91, regularizerGnr[seed], seed, epochSeconds: [10 + 2 * seed]);
        for (int seed = 0; seed < 4; seed++)
            Add(TrainingMethod.Augmentation, 0.25, 0, 6, 0.91, augmentationGnr[seed], seed, epochSeconds: [50]);

        var lines = (await _client.GetStringAsync("/api/comparison.csv?dataset=cifar10&model=lenet&tolerance=1")).TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        Dictionary<string, string> Row(string method) =>
            header.Zip(lines.Skip(1).Single(l => l.Contains($",{method},")).Split(',')).ToDictionary(p => p.First, p => p.Second);

        var regularizer = Row("regularizer");
        Assert.Equal("3", regularizer["seeds"]);
        Assert.Equal(0.03511884584284249, double.Parse(regularizer["gnrStd"], CultureInfo.InvariantCulture), 12);
        Assert.Equal(2.0, double.Parse(regularizer["trainingSecondsStd"], CultureInfo.InvariantCulture), 12); // 10, 12, 14 s
        Assert.Equal(0, double.Parse(regularizer["testAccuracyStd"], CultureInfo.InvariantCulture), 12);
        Assert.Equal(0.017255303928, double.Parse(regularizer["welchPValue"], CultureInfo.InvariantCulture), 8);
        Assert.Equal(regularizer["welchPValue"], Row("augmentation")["welchPValue"]);
        Assert.Equal("4", Row("augmentation")["seeds"]);

        var baseline = Row("baseline");
        Assert.Equal("2", baseline["baselineSeeds"]);
        Assert.Equal(Math.Sqrt(0.0002), double.Parse(baseline["baselineAccuracyStd"], CultureInfo.InvariantCulture), 12);
        Assert.Equal("", baseline["welchPValue"]);   // the baseline is not part of the test
    }

    [Fact]
    public async Task Without_a_baseline_the_csv_is_a_409_that_says_to_run_one_first()
    {
        Add(TrainingMethod.Regularizer, 0.25, 1, 0, 0.89, 0.75, epochSeconds: [10]);

        var response = await _client.GetAsync("/api/comparison.csv?dataset=cifar10&model=lenet");

        await ApiAssert.ProblemAsync(response, 409);
        Assert.Contains("Run a baseline first", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("model=lenet", "dataset")]
    [InlineData("dataset=imagenet", "dataset")]
    [InlineData("dataset=cifar10&model=resnet", "model")]
    [InlineData("dataset=cifar10&tolerance=-1", "tolerance")]
    [InlineData("dataset=cifar10&tolerance=abc", "tolerance")]
    [InlineData("dataset=cifar10&gnr=median", "gnr")]
    [InlineData("dataset=cifar10&rows=some", "rows")]
    public async Task A_bad_parameter_is_a_400_naming_it(string query, string field)
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _client.GetAsync("/api/comparison.csv?" + query));
        Assert.Contains(field, errors.Keys);
    }
}
