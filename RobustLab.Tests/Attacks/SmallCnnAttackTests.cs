using RobustLab.Training.Attacks;
using static TorchSharp.torch;

namespace RobustLab.Tests.Attacks;

/// <summary>On a real (briefly trained) CNN every attack returns images in [0, 1] that really change the prediction.</summary>
public class SmallCnnAttackTests(TrainedLeNetFixture lenet) : IClassFixture<TrainedLeNetFixture>
{
    public static TheoryData<string, double> Attacks => new()
    {
        { AttackCatalog.Fgsm, 0.9 }, { AttackCatalog.Pgd, 0.9 }, { AttackCatalog.Lbfgs, 0.9 }, { AttackCatalog.DeepFool, 0.9 },
        { AttackCatalog.Gaussian, 0.5 }, { AttackCatalog.SaltPepper, 0.5 },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Every_returned_image_is_in_the_box_and_every_changed_image_is_misclassified(string attack, double minimumSuccess)
    {
        using var _ = no_grad();
        using var correct = lenet.Model.call(lenet.Images).argmax(1).eq(lenet.Labels).nonzero().flatten();
        using var x = lenet.Images.index_select(0, correct);
        using var y = lenet.Labels.index_select(0, correct);
        Assert.True(x.shape[0] >= 10, $"only {x.shape[0]} of 24 test images are classified correctly");
        using var generator = new Generator(3);
        // Fewer L-BFGS iterations and c searches than the defaults keep the test quick; the claim holds for any setting.
        var options = new AttackOptions { Attacks = [attack], LbfgsIterations = 30, LbfgsConstantSteps = 6 };
        using var adversarial = AttackCatalog.Create(attack, options).Run(lenet.Model, x, y, new AttackContext(options, generator, CancellationToken.None));

        Assert.Equal(x.shape, adversarial.shape);
        Assert.True(adversarial.ge(0).all().item<bool>() && adversarial.le(1).all().item<bool>(), $"{attack} left [0, 1]");
        var predictions = lenet.Model.call(adversarial).argmax(1).data<long>().ToArray();
        var labels = y.data<long>().ToArray();
        using var changed = (adversarial - x).flatten(1).abs().amax(1).gt(0);
        var moved = changed.data<bool>().ToArray();
        for (int i = 0; i < labels.Length; i++)
            if (moved[i]) Assert.True(predictions[i] != labels[i], $"{attack} returned a perturbed image {i} that is still classified {labels[i]}");
        double success = predictions.Zip(labels).Count(p => p.First != p.Second) / (double)labels.Length;
        Assert.True(success >= minimumSuccess, $"{attack} fooled {success:P0} of {labels.Length} images, expected at least {minimumSuccess:P0}");
    }
}
