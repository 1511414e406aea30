using System.Text.Json;
using System.Text.Json.Serialization;
using RobustLab.Tests.Api;
using RobustLab.Training.Loop;
using RobustLab.Web.Components.RunForm;

namespace RobustLab.Tests.Dashboard.RunForm;

/// <summary>The form's checks are the API's: what POST /api/sweeps refuses, the form flags at the same fields.</summary>
public sealed class RunFormValidatorTests : IAsyncLifetime
{
    FakeApiHost _api = null!;
    public Task InitializeAsync() { _api = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _api.DisposeAsync().AsTask();

    // The API's own JSON conventions (named literals allowed, so NaN and infinity reach its validation).
    static readonly JsonSerializerOptions Json = CreateJson();

    static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        RobustLab.Web.Api.ApiJson.Configure(options);
        return options;
    }

    public static TheoryData<string, string> BadFields => new()
    {
        { "sigma", "-1" }, { "sigma", "0" }, { "alpha", "" }, { "alpha", "-2" }, { "epochs", "0" }, { "epochs", "10001" },
        { "device", "gpu" }, { "device", "cuda:-1" }, { "trainSubset", "5" }, { "testSubset", "0" }, { "batchSize", "0" },
        { "lr", "0" }, { "lr", "-0.1" }, { "sigma", "1e400" }, { "sigma", "NaN" }, { "copies", "0" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task Form_flags_the_same_field_the_sweeps_api_refuses(string field, string text)
    {
        var model = new RunFormModel().With(field, text);
        var check = RunFormValidator.Check(model);

        Assert.False(check.IsValid);
        Assert.NotEmpty(check.For(field));
        var api = await ApiAssert.ValidationErrorsAsync(await _api.PostJsonAsync("/api/sweeps", JsonSerializer.Serialize(check.Request, Json)));
        Assert.Equal(api.Keys.Order(), check.Errors.Keys.Order());
    }

    [Fact]
    public async Task Default_form_is_a_sweep_the_api_accepts_with_the_same_runs()
    {
        var check = RunFormValidator.Check(new RunFormModel());

        Assert.True(check.IsValid, string.Join(" ", check.Errors.SelectMany(e => e.Value)));
        var sweep = await ApiAssert.JsonAsync(await _api.PostJsonAsync("/api/sweeps", JsonSerializer.Serialize(check.Request, Json)), 201);
        Assert.Equal(check.Runs.Count, sweep.GetProperty("runs").GetArrayLength());
        Assert.Equal(2, check.Runs.Count);
    }

    [Fact]
    public void Lists_take_commas_semicolons_and_spaces_in_invariant_culture()
    {
        var check = RunFormValidator.Check(new RunFormModel { Sigma = "0.125, 0.25;0.5  1e-1", Seed = "0 1,2" });

        Assert.Equal([0.125, 0.25, 0.5, 0.1], check.Request.Sigma);
        Assert.Equal([0, 1, 2], check.Request.Seed);
        // Baseline once per seed (3) + the regularizer over 4 sigmas x 1 alpha x 3 seeds (12).
        Assert.Equal(15, check.Runs.Count);
    }

    [Fact]
    public void Empty_training_fields_take_the_models_protocol()
    {
        var check = RunFormValidator.Check(new RunFormModel { Epochs = "", BatchSize = "", Lr = "", Methods = ["baseline"] });

        var run = Assert.Single(check.Runs);
        var protocol = Protocol.For("lenet");
        Assert.Equal((protocol.Epochs, protocol.BatchSize, protocol.LearningRate),
            (run.Resolve().Epochs, run.Resolve().BatchSize, run.Resolve().LearningRate));
    }

    [Fact]
    public void A_model_that_cannot_take_the_data_sets_images_is_a_warning_not_an_error()
    {
        // Every bundled data set fits every model now (AlexNet pads 28x28 to 32x32), so a 30x30 data set stands in.
        var odd = new RobustLab.Training.Data.DatasetEntry("fashion-mnist", new(1, 30, 30), 10, true, "/nowhere", "n/a");
        var check = RunFormValidator.Check(new RunFormModel { Models = ["lenet"] }, [odd]);

        Assert.True(check.IsValid);
        Assert.Contains(check.Warnings, w => w.StartsWith("LeNet needs square images whose side is divisible by 4") && w.Contains("30x30"));
    }

    [Fact]
    public void AlexNet_on_28x28_images_is_padded_without_a_warning()
    {
        var datasets = new RobustLab.Training.Data.DatasetCatalog().List();
        var check = RunFormValidator.Check(new RunFormModel { Models = ["alexnet"] }, datasets);

        Assert.True(check.IsValid);
        Assert.DoesNotContain(check.Warnings, w => w.Contains("AlexNet"));
    }

    [Fact]
    public void No_attacks_are_asked_by_default()
    {
        var check = RunFormValidator.Check(new RunFormModel());

        Assert.Empty(check.Request.Attacks);
        Assert.All(check.Runs, r => Assert.Empty(r.Attacks));
    }

    [Fact]
    public async Task Ticked_attacks_and_their_sample_count_go_into_every_run_and_the_api_accepts_them()
    {
        var check = RunFormValidator.Check(new RunFormModel { Attacks = ["pgd", "fgsm"], AttackSamples = "50" });

        Assert.True(check.IsValid, string.Join(" ", check.Errors.SelectMany(e => e.Value)));
        Assert.All(check.Runs, r => Assert.Equal(["pgd", "fgsm"], r.Attacks));
        Assert.All(check.Runs, r => Assert.Equal(50, r.AttackSamples));
        var sweep = await ApiAssert.JsonAsync(await _api.PostJsonAsync("/api/sweeps", JsonSerializer.Serialize(check.Request, Json)), 201);
        Assert.All(sweep.GetProperty("runs").EnumerateArray(), r => Assert.Equal(50, r.GetProperty("config").GetProperty("attackSamples").GetInt32()));
    }

    [Fact]
    public void Empty_attack_samples_take_the_default_of_100()
    {
        var check = RunFormValidator.Check(new RunFormModel { Attacks = ["fgsm"], AttackSamples = "" });

        Assert.True(check.IsValid);
        Assert.All(check.Runs, r => Assert.Equal(100, r.AttackSamples));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    [InlineData("-5")]
    public async Task Attack_samples_out_of_range_are_flagged_where_the_sweeps_api_refuses_them(string samples)
    {
        var check = RunFormValidator.Check(new RunFormModel { Attacks = ["fgsm"], AttackSamples = samples });

        Assert.Equal(["attackSamples"], check.Errors.Keys);
        Assert.Contains("must be in [1, 10000]", check.For("attackSamples")[0]);
        var api = await ApiAssert.ValidationErrorsAsync(await _api.PostJsonAsync("/api/sweeps", JsonSerializer.Serialize(check.Request, Json)));
        Assert.Equal(api.Keys.Order(), check.Errors.Keys.Order());
    }

    [Fact]
    public void Unreadable_attack_samples_are_flagged_only_when_attacks_are_ticked()
    {
        Assert.Equal("'many' is not a whole number.",
            Assert.Single(RunFormValidator.Check(new RunFormModel { Attacks = ["fgsm"], AttackSamples = "many" }).For("attackSamples")));
        Assert.True(RunFormValidator.Check(new RunFormModel { AttackSamples = "many" }).IsValid);
    }

    [Fact]
    public void An_unknown_attack_is_flagged_at_the_attacks_field()
    {
        var check = RunFormValidator.Check(new RunFormModel { Attacks = ["fgsm", "nope"] });

        Assert.Equal(["attacks"], check.Errors.Keys);
        Assert.Contains("'nope'", check.For("attacks")[0]);
    }
}
