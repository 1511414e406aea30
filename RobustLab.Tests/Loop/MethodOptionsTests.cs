using System.Text.Json;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Loop;

namespace RobustLab.Tests.Loop;

/// <summary>The options of gaussian, stability, consistency and the regulariser's variants: ranges, defaults, run.json.</summary>
public class MethodOptionsTests
{
    static IReadOnlyList<string> Problems(TrainingOptions o) => o.Validate();

    [Theory]
    [InlineData(TrainingMethod.Gaussian)]
    [InlineData(TrainingMethod.Stability)]
    [InlineData(TrainingMethod.Consistency)]
    public void Noise_methods_need_a_positive_sigma(TrainingMethod method)
    {
        Assert.Contains($"sigma must be > 0 for {method.Name()} (got 0).", Problems(new TrainingOptions { Method = method }));
        Assert.Empty(Problems(new TrainingOptions { Method = method, Sigma = 0.25 }));
    }

    [Fact]
    public void Each_new_number_is_refused_outside_its_range_with_its_name()
    {
        var o = new TrainingOptions
        {
            Method = TrainingMethod.Consistency, Sigma = 0.25, Lambda = -1, Eta = 1e9, ConsistencyCopies = 0, Gamma = 1.5,
        };
        var problems = Problems(o);
        Assert.Contains($"lambda must be a number in [0, {TrainingLimits.MaxLambda}] (got -1).", problems);
        Assert.Contains($"eta must be a number in [0, {TrainingLimits.MaxEta}] (got 1000000000).", problems);
        Assert.Contains($"consistency-copies must be a whole number in [1, {TrainingLimits.MaxConsistencyCopies}] (got 0).", problems);
        Assert.Contains("gamma must be a number in [0, 1] (got 1.5).", problems);
        Assert.Contains(o.Problems(), p => p.Field == "consistencyCopies");
    }

    [Fact]
    public void Stability_refuses_lambda_zero_and_the_mixed_form_refuses_alpha_above_one()
    {
        Assert.Contains("lambda must be > 0 for stability (got 0).",
            Problems(new TrainingOptions { Method = TrainingMethod.Stability, Sigma = 0.5, Lambda = 0 }));
        var mixed = new TrainingOptions { Method = TrainingMethod.Regularizer, Sigma = 0.5, Alpha = 2, RegularizerForm = RegularizerForm.Mixed };
        Assert.Contains(Problems(mixed), p => p.StartsWith("alpha must be in (0, 1] for the mixed form"));
        Assert.Empty(Problems(mixed with { Alpha = 0.5 }));
        Assert.Empty(Problems(mixed with { RegularizerForm = RegularizerForm.Additive }));
    }

    [Fact]
    public void Unset_lambda_takes_the_methods_default()
    {
        Assert.Equal(10, new TrainingOptions { Method = TrainingMethod.Consistency }.LambdaInForce);
        Assert.Equal(TrainingOptions.DefaultStabilityLambda, new TrainingOptions { Method = TrainingMethod.Stability }.LambdaInForce);
        Assert.Equal(3, new TrainingOptions { Method = TrainingMethod.Stability, Lambda = 3 }.LambdaInForce);
        Assert.Equal(2, new TrainingOptions().ConsistencyCopies);
        Assert.Equal(0.5, new TrainingOptions().Eta);
    }

    [Fact]
    public void New_options_round_trip_through_run_json_and_old_files_read_as_the_paper()
    {
        var o = new TrainingOptions
        {
            Method = TrainingMethod.Regularizer, Sigma = 0.5, Alpha = 0.5, RegularizerForm = RegularizerForm.Mixed,
            RegularizerTarget = RegularizerTarget.Predictions, Gamma = 0.25, Lambda = 4, Eta = 0.1, ConsistencyCopies = 3,
        };
        string json = JsonSerializer.Serialize(o, RunJson.Options);
        using (var document = JsonDocument.Parse(json))
        {
            Assert.Equal("mixed", document.RootElement.GetProperty("regularizerForm").GetString());
            Assert.Equal("predictions", document.RootElement.GetProperty("regularizerTarget").GetString());
        }
        Assert.Equal(o, JsonSerializer.Deserialize<TrainingOptions>(json, RunJson.Options));

        // A run.json written before these options existed reads back as the paper's regulariser.
        var old = JsonSerializer.Deserialize<TrainingOptions>("{\"method\":\"regularizer\",\"sigma\":0.5,\"alpha\":1}", RunJson.Options)!;
        Assert.Equal(RegularizerVariant.Paper, old.Variant);
        Assert.Null(old.Lambda);
        Assert.Equal(2, old.ConsistencyCopies);
    }

    [Fact]
    public void Method_names_parse_and_an_unknown_variant_name_says_which_are_known()
    {
        Assert.Equal(TrainingMethod.Consistency, TrainingMethods.Parse("Consistency"));
        Assert.Equal(RegularizerForm.Mixed, RegularizerVariantNames.Parse<RegularizerForm>("MIXED", "regularizer-form"));
        var e = Assert.Throws<ArgumentException>(() => RegularizerVariantNames.Parse<RegularizerForm>("1", "regularizer-form"));
        Assert.Equal("regularizer-form: unknown value '1'; use one of additive, mixed.", e.Message);
    }
}
