using System.Text.Json;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Loop;

namespace RobustLab.Tests.Loop;

/// <summary>Resume and sweep reuse compare options read back from run.json or the store with the originals.</summary>
public class TrainingOptionsTests
{
    static readonly TrainingOptions WithAttacks = new()
    {
        Method = TrainingMethod.Regularizer, Sigma = 0.25, Alpha = 1, Epochs = 3, Seed = 4,
        Attacks = ["pgd", "fgsm"], AttackSamples = 50,
    };

    [Fact]
    public void Options_with_attacks_equal_themselves_after_a_json_round_trip()
    {
        var read = JsonSerializer.Deserialize<TrainingOptions>(JsonSerializer.Serialize(WithAttacks, RunJson.Options), RunJson.Options)!;
        Assert.Equal(WithAttacks, read);
        Assert.Equal(WithAttacks.GetHashCode(), read.GetHashCode());
        Assert.Equal(["pgd", "fgsm"], read.Attacks);
    }

    [Fact]
    public void Attack_lists_compare_by_content_and_order()
    {
        Assert.Equal(WithAttacks, WithAttacks with { Attacks = new List<string> { "pgd", "fgsm" } });
        Assert.NotEqual(WithAttacks, WithAttacks with { Attacks = ["fgsm", "pgd"] });
        Assert.NotEqual(WithAttacks, WithAttacks with { Attacks = ["pgd"] });
        Assert.NotEqual(WithAttacks, WithAttacks with { Attacks = [] });
        Assert.Empty(new TrainingOptions().Attacks);
    }

    [Fact]
    public void Json_writes_attacks_as_an_array_of_names()
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(WithAttacks, RunJson.Options));
        Assert.Equal(["pgd", "fgsm"], json.RootElement.GetProperty("attacks").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(50, json.RootElement.GetProperty("attackSamples").GetInt32());
    }

    [Fact]
    public void A_blank_attack_name_is_refused_not_read_as_no_attacks()
    {
        var blank = new TrainingOptions { Attacks = [""] };
        Assert.Equal([""], blank.Attacks);
        Assert.Contains(blank.Validate(), e => e.StartsWith("attacks names an unknown attack ''"));
        Assert.NotEqual(new TrainingOptions(), blank);
    }

    [Fact]
    public void Attack_samples_out_of_range_are_refused_even_without_attacks() =>
        Assert.Contains("attack-samples must be in [1, 10000] (got -5).", new TrainingOptions { AttackSamples = -5 }.Validate());
}
