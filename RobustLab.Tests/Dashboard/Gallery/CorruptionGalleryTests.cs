using RobustLab.Tests.Corruptions;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Data;
using RobustLab.Tests.Loop;
using RobustLab.Web.Gallery;

namespace RobustLab.Tests.Dashboard.Gallery;

/// <summary>The gallery: every corruption at every severity, seeded, as the corruption suite makes them.</summary>
public sealed class CorruptionGalleryTests
{
    static ImageSet Image(int channels)
    {
        using var x = GeneratedImages.Pattern(1, channels, 28);
        return new ImageSet("generated", new ImageShape(channels, 28, 28), 10, x.data<float>().ToArray(), [3]);
    }

    [Fact]
    public void Every_corruption_appears_at_every_severity_and_the_same_seed_gives_the_same_images()
    {
        var gallery = CorruptionGallery.Make(Image(1), index: 7, seed: 1);
        var again = CorruptionGallery.Make(Image(1), index: 7, seed: 1);
        var otherSeed = CorruptionGallery.Make(Image(1), index: 7, seed: 2);

        Assert.Equal(CorruptionCatalog.Names, gallery.Rows.Select(r => r.Corruption));
        Assert.All(gallery.Rows, r => Assert.Equal([1, 2, 3, 4, 5], r.Images.Select(i => i.Severity)));
        Assert.All(gallery.Rows.SelectMany(r => r.Images), i => Assert.StartsWith("data:image/png;base64,", i.DataUrl));
        Assert.Equal((7, 3, 1), (gallery.ImageIndex, gallery.Label, gallery.Seed));
        Assert.Equal(gallery.Rows.SelectMany(r => r.Images), again.Rows.SelectMany(r => r.Images));
        // Noise draws with the seed; a different seed gives a different image.
        var noise = gallery.Rows.Single(r => r.Corruption == CorruptionCatalog.GaussianNoise).Images[4].DataUrl;
        Assert.NotEqual(noise, otherSeed.Rows.Single(r => r.Corruption == CorruptionCatalog.GaussianNoise).Images[4].DataUrl);
        // Severity 5 of a noise corruption differs from the clean image.
        Assert.NotEqual(gallery.CleanDataUrl, noise);
    }

    [Fact]
    public void Colour_images_make_a_gallery_too() =>
        Assert.Equal(CorruptionCatalog.Names.Count * 5, CorruptionGallery.Make(Image(3), 0, 0).Rows.Sum(r => r.Images.Count));

    [Fact]
    public async Task An_absent_data_set_is_the_catalogues_error_and_a_bad_index_names_the_field()
    {
        using var folder = new TempFolder();
        var gallery = new CorruptionGallery(new DatasetCatalog(new DataLocations(folder.Sub("datasets"))));
        await Assert.ThrowsAsync<DatasetNotFoundException>(() => gallery.GetAsync("mnist", 0, 0));

        var fashion = new CorruptionGallery(new DatasetCatalog());
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fashion.GetAsync("fashion-mnist", 10_000, 0));
        Assert.StartsWith("image: must be in [0, 9999] for fashion-mnist", e.Message);
        var first = await fashion.GetAsync("fashion-mnist", 0, 0);
        Assert.Equal(("fashion-mnist", 0), (first.Dataset, first.ImageIndex));
        Assert.Equal(CorruptionCatalog.Names.Count, first.Rows.Count);
    }
}
