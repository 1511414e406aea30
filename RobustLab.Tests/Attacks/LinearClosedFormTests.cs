using RobustLab.Training.Attacks;
using RobustLab.Training.Runtime;
using static TorchSharp.torch;

namespace RobustLab.Tests.Attacks;

/// <summary>On an affine classifier the minimal perturbations are known exactly; each attack must find them within 2%.</summary>
public class LinearClosedFormTests
{
    public LinearClosedFormTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(AttackCatalog.DeepFool, 2, 2)]
    [InlineData(AttackCatalog.DeepFool, 5, 2)]
    [InlineData(AttackCatalog.Lbfgs, 2, 2)]
    [InlineData(AttackCatalog.Fgsm, 2, 1)]
    [InlineData(AttackCatalog.Pgd, 2, 1)]
    public void Minimal_perturbation_matches_the_closed_form_distance_to_the_boundary_within_2_percent(string attack, int classes, int dualNorm)
    {
        using var classifier = new LinearClassifier(classes, seed: 11 + classes);
        var images = classifier.Images(12, seed: 5);
        var (x, y) = classifier.Batch(images);
        using var _x = x; using var _y = y;
        using var generator = new Generator(7);
        var options = new AttackOptions { Attacks = [attack] };
        using var adversarial = AttackCatalog.Create(attack, options).Run(classifier.Model, x, y, new AttackContext(options, generator, CancellationToken.None));

        using var fooled = AttackSuite.Fooled(classifier.Model, adversarial, y);
        Assert.All(fooled.data<bool>().ToArray(), Assert.True);
        using var distances = new DisposableDistances(Distances.Of(x, adversarial));
        var found = (dualNorm == 2 ? distances.Value.L2 : distances.Value.Linf).data<float>().ToArray();
        for (int i = 0; i < images.Count; i++)
        {
            double expected = classifier.BoundaryDistance(images[i], dualNorm).Distance;
            double ratio = found[i] / expected;
            Assert.True(Math.Abs(ratio - 1) <= 0.02,
                $"{attack} image {i}: found {(dualNorm == 2 ? "L2" : "L-inf")} {found[i]:G5}, closed form {expected:G5} (ratio {ratio:F4})");
        }
    }

    sealed class DisposableDistances(Distances value) : IDisposable
    {
        public Distances Value { get; } = value;
        public void Dispose() { Value.L2.Dispose(); Value.Linf.Dispose(); Value.Mse.Dispose(); }
    }
}
