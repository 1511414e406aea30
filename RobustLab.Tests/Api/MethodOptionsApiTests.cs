using System.Text.Json;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>POST /api/runs and /api/sweeps take the newer methods' options, refuse bad ones naming the field, and read them back.</summary>
public sealed class MethodOptionsApiTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    [Theory]
    [InlineData("\"method\": \"gaussian\"", "sigma")]
    [InlineData("\"method\": \"stability\", \"sigma\": 0.25, \"lambda\": 0", "lambda")]
    [InlineData("\"method\": \"consistency\", \"sigma\": 0.25, \"lambda\": -1", "lambda")]
    [InlineData("\"method\": \"consistency\", \"sigma\": 0.25, \"consistencyCopies\": 33", "consistencyCopies")]
    [InlineData("\"method\": \"consistency\", \"sigma\": 0.25, \"eta\": 101", "eta")]
    [InlineData("\"method\": \"regularizer\", \"sigma\": 0.25, \"alpha\": 1, \"gamma\": 1.5", "gamma")]
    [InlineData("\"method\": \"regularizer\", \"sigma\": 0.25, \"alpha\": 2, \"regularizerForm\": \"mixed\"", "alpha")]
    [InlineData("\"method\": \"regularizer\", \"sigma\": 0.25, \"alpha\": 1, \"regularizerForm\": \"half\"", "regularizerForm")]
    [InlineData("\"method\": \"regularizer\", \"sigma\": 0.25, \"alpha\": 1, \"regularizerTarget\": \"teacher\"", "regularizerTarget")]
    public async Task Each_bad_method_option_is_a_400_naming_it(string field, string name)
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/runs", $"{{\"dataset\": \"fashion-mnist\", {field}}}"));

        Assert.Equal([name], errors.Keys);
        Assert.Contains(name, errors[name][0], StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_host.Store.Runs);
    }

    [Fact]
    public async Task A_consistency_run_round_trips_its_options()
    {
        var view = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/runs", """
            {"dataset": "fashion-mnist", "method": "consistency", "sigma": 0.25, "lambda": 5, "consistencyCopies": 3, "eta": 0.25}
            """), 201);
        var config = view.GetProperty("config");
        Assert.Equal("consistency", config.GetProperty("method").GetString());
        Assert.Equal(5, config.GetProperty("lambda").GetDouble());
        Assert.Equal(3, config.GetProperty("consistencyCopies").GetInt32());
        Assert.Equal(0.25, config.GetProperty("eta").GetDouble());

        var stored = Assert.Single(_host.Store.Runs).ReadOptions();
        Assert.Equal((TrainingMethod.Consistency, 5.0, 3, 0.25), (stored.Method, stored.LambdaInForce, stored.ConsistencyCopies, stored.Eta));
    }

    [Fact]
    public async Task A_regularizer_variant_round_trips_and_the_papers_regularizer_reads_as_before()
    {
        var view = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/runs", """
            {"dataset": "fashion-mnist", "method": "regularizer", "sigma": 0.5, "alpha": 0.5, "regularizerForm": "Mixed",
             "regularizerTarget": "predictions", "gamma": 0.25}
            """), 201);
        var config = view.GetProperty("config");
        Assert.Equal("mixed", config.GetProperty("regularizerForm").GetString());
        Assert.Equal("predictions", config.GetProperty("regularizerTarget").GetString());
        Assert.Equal(0.25, config.GetProperty("gamma").GetDouble());
        var stored = Assert.Single(_host.Store.Runs).ReadOptions();
        Assert.Equal(new RegularizerVariant(RegularizerForm.Mixed, RegularizerTarget.Predictions, 0.25), stored.Variant);

        // The paper's regulariser: none of the new fields in its view, and its configuration key as before.
        var paper = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/runs",
            """{"dataset": "fashion-mnist", "method": "regularizer", "sigma": 0.5, "alpha": 1}"""), 201);
        foreach (string field in new[] { "lambda", "consistencyCopies", "eta", "regularizerForm", "regularizerTarget", "gamma" })
            Assert.True(!paper.GetProperty("config").TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null, field);
        Assert.DoesNotContain("form=", RunConfigKey.For(new TrainingOptions { Method = TrainingMethod.Regularizer, Sigma = 0.5, Alpha = 1 }));
    }

    [Fact]
    public void A_sweep_expands_lambda_m_eta_and_gamma_only_for_the_methods_that_use_them()
    {
        var runs = SweepPlanner.Expand(new SweepRequest
        {
            Dataset = "fashion-mnist", Methods = ["baseline", "gaussian", "stability", "consistency", "regularizer"],
            Sigma = [0.25, 0.5], Alpha = [1], Lambda = [1, 10], ConsistencyCopies = [2, 4], Eta = [0.5], Gamma = [0, 0.5],
        });
        int Count(TrainingMethod m) => runs.Count(r => r.Method == m);
        Assert.Equal(1, Count(TrainingMethod.Baseline));
        Assert.Equal(2, Count(TrainingMethod.Gaussian));
        Assert.Equal(4, Count(TrainingMethod.Stability));        // sigma x lambda
        Assert.Equal(8, Count(TrainingMethod.Consistency));      // sigma x lambda x m x eta
        Assert.Equal(4, Count(TrainingMethod.Regularizer));      // sigma x alpha x gamma
        Assert.All(runs.Where(r => r.Method == TrainingMethod.Gaussian), r => Assert.Null(r.Lambda));
        Assert.Empty(SweepValidation.Validate(new SweepRequest { Dataset = "fashion-mnist", Methods = ["consistency"], Sigma = [0.25] }));
        Assert.True(SweepPlanner.Validate(new SweepRequest { Dataset = "fashion-mnist", Methods = ["consistency"], Sigma = [0.25], ConsistencyCopies = [0] })
            .Has("consistencyCopies"));
    }
}
