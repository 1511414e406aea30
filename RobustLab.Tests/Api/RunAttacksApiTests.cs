using System.Text.Json;
using RobustLab.Training.Attacks;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Api;

/// <summary>Attacks after training through the API: accepted by name, checked like every other field, kept in the run's key.</summary>
public sealed class RunAttacksApiTests : IAsyncLifetime
{
    FakeApiHost _host = null!;
    public Task InitializeAsync() { _host = FakeApiHost.Start(); return Task.CompletedTask; }
    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    [Fact]
    public async Task An_unknown_attack_is_a_400_naming_attacks_and_the_unknown_name()
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/runs",
            """{"dataset": "fashion-mnist", "attacks": ["fgsm", "nope"]}"""));

        Assert.Equal(["attacks"], errors.Keys);
        Assert.Contains("'nope'", errors["attacks"][0]);
        Assert.Contains("pgd", errors["attacks"][0]); // says which exist
        Assert.DoesNotContain("'fgsm'", errors["attacks"][0]);
        Assert.Empty(_host.Store.Runs);
        Assert.Empty(_host.Queue.Enqueued);
    }

    [Fact]
    public async Task Attacks_that_are_not_a_list_are_a_400_naming_attacks()
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/runs",
            """{"dataset": "fashion-mnist", "attacks": "fgsm"}"""));

        Assert.Equal(["attacks"], errors.Keys);
    }

    [Fact]
    public async Task A_run_with_attacks_is_stored_with_them_in_table_1_order_in_its_key_and_reads_them_back()
    {
        var view = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/runs",
            """{"dataset": "fashion-mnist", "attacks": ["FGSM", " pgd", "fgsm"], "attackSamples": 50}"""), 201);

        var config = view.GetProperty("config");
        Assert.Equal(["fgsm", "pgd"], config.GetProperty("attacks").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(50, config.GetProperty("attackSamples").GetInt32());
        var stored = Assert.Single(_host.Store.Runs);
        Assert.EndsWith(";attacks=pgd,fgsm;attackSamples=50", stored.ConfigKey);
        var options = JsonSerializer.Deserialize<TrainingOptions>(stored.ConfigJson, RobustLab.Training.Checkpoints.RunJson.Options)!;
        Assert.Equal(["fgsm", "pgd"], options.Attacks);
        Assert.Equal(50, options.AttackSamples);
    }

    [Fact]
    public async Task All_names_every_attack_and_samples_default_to_100()
    {
        var view = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/runs", """{"dataset": "mnist", "attacks": ["all"]}"""), 201);

        var config = view.GetProperty("config");
        Assert.Equal(AttackCatalog.Names, config.GetProperty("attacks").EnumerateArray().Select(a => a.GetString()!));
        Assert.Equal(100, config.GetProperty("attackSamples").GetInt32());
    }

    [Fact]
    public async Task A_run_without_attacks_has_an_empty_list_and_no_sample_count()
    {
        var view = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/runs", """{"dataset": "mnist"}"""), 201);

        Assert.Equal(0, view.GetProperty("config").GetProperty("attacks").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("config").GetProperty("attackSamples").ValueKind);
        Assert.DoesNotContain("attack", Assert.Single(_host.Store.Runs).ConfigKey);
    }

    [Fact]
    public async Task An_attack_sample_count_out_of_range_is_refused_even_without_attacks()
    {
        // As on the command line: a bad value is an error, never silently dropped.
        var problem = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/runs", """{"dataset": "mnist", "attackSamples": 0}"""), 400);
        Assert.Contains("attackSamples", problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Empty(_host.Store.Runs);
    }

    [Fact]
    public async Task A_succeeded_runs_metrics_carry_its_attack_report_with_nan_for_an_attack_that_fooled_none()
    {
        var run = _host.Store.Add(new TrainingOptions { Dataset = "mnist", Attacks = ["fgsm", "gaussian"] },
            r => FakeRunStore.Succeed(r, AttackReports.WithAttacks(AttackReports.Report(("fgsm", 0.002), ("gaussian", double.NaN)))));

        var view = await ApiAssert.JsonAsync(await _host.Client.GetAsync($"/api/runs/{run.Id}"), 200);

        var attacks = view.GetProperty("metrics").GetProperty("attacks");
        Assert.Equal(10, attacks.GetProperty("attacked").GetInt32());
        var list = attacks.GetProperty("attacks").EnumerateArray().ToList();
        Assert.Equal(["fgsm", "gaussian"], list.Select(a => a.GetProperty("attack").GetString()));
        Assert.Equal(0.002, list[0].GetProperty("mse").GetProperty("median").GetDouble());
        Assert.Equal("NaN", list[1].GetProperty("mse").GetProperty("median").GetString());
    }

    [Fact]
    public async Task A_sweep_with_an_unknown_attack_or_bad_sample_count_is_a_400_naming_the_field()
    {
        var errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/sweeps",
            """{"dataset": "fashion-mnist", "methods": ["baseline"], "attacks": ["deepfool", "cw"]}"""));
        Assert.Equal(["attacks"], errors.Keys);
        Assert.Contains("'cw'", errors["attacks"][0]);

        errors = await ApiAssert.ValidationErrorsAsync(await _host.PostJsonAsync("/api/sweeps",
            """{"dataset": "fashion-mnist", "methods": ["baseline"], "attacks": ["deepfool"], "attackSamples": 0}"""));
        Assert.Equal(["attackSamples"], errors.Keys);
        Assert.Empty(_host.Store.Runs);
    }

    [Fact]
    public async Task A_sweep_with_attacks_gives_every_run_the_attacks_and_does_not_reuse_a_run_that_ran_none()
    {
        var plain = new TrainingOptions { Dataset = "fashion-mnist", Epochs = 2, Seed = 0 };
        var done = _host.Store.Add(plain, r => FakeRunStore.Succeed(r));

        var sweep = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/sweeps", """
            {"dataset": "fashion-mnist", "methods": ["baseline", "regularizer"], "sigma": [0.25], "alpha": [1], "epochs": 2,
             "attacks": ["fgsm", "pgd"], "attackSamples": 20}
            """), 201);

        Assert.Equal(0, sweep.GetProperty("reused").GetInt32());
        Assert.Equal(2, sweep.GetProperty("queued").GetInt32());
        Assert.DoesNotContain(done.Id, sweep.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        foreach (var run in sweep.GetProperty("runs").EnumerateArray())
        {
            Assert.Equal(["fgsm", "pgd"], run.GetProperty("config").GetProperty("attacks").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal(20, run.GetProperty("config").GetProperty("attackSamples").GetInt32());
        }

        // The same sweep again reuses the runs with attacks once they succeeded.
        foreach (var run in _host.Store.Runs.Where(r => r.Id != done.Id)) FakeRunStore.Succeed(run);
        var again = await ApiAssert.JsonAsync(await _host.PostJsonAsync("/api/sweeps", """
            {"dataset": "fashion-mnist", "methods": ["baseline", "regularizer"], "sigma": [0.25], "alpha": [1], "epochs": 2,
             "attacks": ["pgd", "fgsm"], "attackSamples": 20}
            """), 201);
        Assert.Equal(2, again.GetProperty("reused").GetInt32());
    }
}
