using RobustLab.Training.Data;
using RobustLab.Training.Loop;

namespace RobustLab.Tests.Loop;

/// <summary>Test subsets and attack samples come from one seeded draw (<see cref="SeededSplit.Subset"/>).</summary>
public class SeededSplitTests
{
    static ImageSet SortedByClass(int n)
    {
        // Pixel i holds the image's index, so a subset shows which images it took; labels sorted like mnist10k's.
        var pixels = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => i * 10 / n).ToArray();
        return new ImageSet("sorted", new ImageShape(1, 1, 1), 10, pixels, labels);
    }

    static float[] Taken(ImageSet set) => Enumerable.Range(0, set.Count).Select(i => set.Pixels[i]).ToArray();

    [Fact]
    public void Subset_is_a_seeded_shuffle_even_when_it_keeps_every_image()
    {
        var set = SortedByClass(200);
        var all = SeededSplit.Subset(set, null, seed: 3);
        Assert.Equal(200, all.Count);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (float)i), Taken(all).Order());
        Assert.NotEqual(Enumerable.Range(0, 200).Select(i => (float)i), Taken(all)); // not the stored (class-sorted) order
        Assert.Equal(Taken(all), Taken(SeededSplit.Subset(set, 10_000, seed: 3)));  // a count beyond the set = all
    }

    [Fact]
    public void Subset_is_the_same_draw_for_the_same_seed_and_its_prefix_for_a_smaller_count()
    {
        var set = SortedByClass(500);
        var a = Taken(SeededSplit.Subset(set, 50, seed: 7));
        Assert.Equal(a, Taken(SeededSplit.Subset(set, 50, seed: 7)));
        Assert.Equal(a[..20], Taken(SeededSplit.Subset(set, 20, seed: 7)));
        Assert.NotEqual(a, Taken(SeededSplit.Subset(set, 50, seed: 8)));
        Assert.True(SeededSplit.Subset(set, 50, seed: 7).Labels.Distinct().Count() > 3); // a sorted set still yields many classes
    }
}
