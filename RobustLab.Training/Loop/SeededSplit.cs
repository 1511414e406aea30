using RobustLab.Training.Data;

namespace RobustLab.Training.Loop;

/// <summary>Reproducible subsets and splits: every choice derives from the run's seed alone.</summary>
public static class SeededSplit
{
    /// <summary>A permutation of 0..n-1 from a seed (Fisher-Yates on System.Random, stable across runs of one .NET).</summary>
    public static int[] Permutation(int n, int seed)
    {
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    /// <summary>
    /// A seeded random subset of <paramref name="count"/> images (all of them, shuffled, when count is null or too large).
    /// Always shuffled: some sets (mnist10k) are stored sorted by class, and the evaluation's moment gap and the attack
    /// suite use the first images of what they are given.
    /// </summary>
    public static ImageSet Subset(ImageSet set, int? count, int seed) =>
        set.Select(Permutation(set.Count, seed).Take(Math.Min(count ?? set.Count, set.Count)).ToArray());

    /// <summary>Draws the training subset and holds out a validation fraction of it (docs/method.md, section "Training protocol": 10%).</summary>
    public static (ImageSet Train, ImageSet Validation) TrainValidation(ImageSet train, int? subset, double validationFraction, int seed)
    {
        var order = Permutation(train.Count, seed);
        int total = Math.Min(subset ?? train.Count, train.Count);
        int validation = (int)Math.Round(total * validationFraction);
        return (train.Select(order[validation..total]), train.Select(order[..validation]));
    }

    /// <summary>A seed for epoch <paramref name="epoch"/> of a run: shuffles and noise differ per epoch but replay on resume.</summary>
    // Not HashCode.Combine: that is randomised per process, and a resumed run must replay the same epoch seeds.
    public static int ForEpoch(int seed, int epoch) => unchecked(seed * 1_000_003 + epoch * 7_919 + 12_345) & int.MaxValue;
}
