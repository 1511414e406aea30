namespace RobustLab.Tests.Loop;

/// <summary>
/// Test classes whose assertions need what libtorch's process-wide default generator draws after a seed (an interrupted
/// run that must equal an uninterrupted one, Monte-Carlo checks that seed <c>manual_seed</c> and then draw across the
/// whole test). xunit runs this collection on its own, never side by side with another class, so nothing can draw from
/// or re-seed that generator in between. Product code additionally takes
/// <see cref="RobustLab.Training.Runtime.GlobalRandom.Sync"/> around its own seed-and-draw blocks; test helpers that
/// seed it outside this collection take that lock too (see <c>CheckpointFixtures</c>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalTorchRngCollection
{
    public const string Name = "Global torch RNG";
}
