namespace RobustLab.Training.Runtime;

/// <summary>
/// libtorch's default generator is one per process: <c>torch.manual_seed</c> re-seeds it, and every draw without an
/// explicit generator advances it (rand/randn/randint/randperm without <c>generator:</c>, dropout, and the default
/// initialisation of every <c>nn.Linear</c>/<c>nn.Conv2d</c>, hence every <c>ModelFactory.Create</c>). Code that seeds
/// it and then relies on what it draws next (Trainer: seed, then build the network) holds <see cref="Sync"/> for the
/// whole block, and so does every other draw from it in this library, so two threads (two workers in one process,
/// tests run in parallel) cannot interleave between a seed and its draws. The lock is re-entrant (Monitor).
/// Randomness that does not have to come from the default generator takes an explicit <c>torch.Generator</c> instead.
/// </summary>
public static class GlobalRandom
{
    public static readonly object Sync = new();
}
