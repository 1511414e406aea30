using MathNet.Numerics.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Training.Certification;

/// <summary>The smoothed classifier's answer for one image: a class and its certified L2 radius, or an abstention.</summary>
/// <param name="Prediction">The class, or <see cref="SmoothedClassifier.Abstain"/>.</param>
/// <param name="Radius">sigma * Phi^-1(pA_lower) in pixel units; 0 when abstaining.</param>
/// <param name="CountA">How many of the n samples gave the guessed class.</param>
/// <param name="PALower">The one-sided Clopper-Pearson lower bound on P(f(x + e) = cA).</param>
public readonly record struct Certificate(int Prediction, double Radius, long CountA, double PALower)
{
    public bool Abstained => Prediction == SmoothedClassifier.Abstain;
}

/// <summary>
/// Randomised smoothing (Cohen, Rosenfeld and Kolter 2019; docs/method.md, section "Certified robustness"):
/// g(x) = argmax_c P(f(x + e) = c), e ~ N(0, sigma^2 I), for any base classifier f given as a function from a batch of
/// images in [0, 1] pixel units to class indices. Noisy copies are classified <c>batchSize</c> at a time under no_grad;
/// the token is checked before every batch, so a cancel stops within one batch.
/// </summary>
public sealed class SmoothedClassifier(Func<Tensor, Tensor> classify, int classes, double sigma, int batchSize, Device device)
    : IDisposable
{
    public const int Abstain = -1;

    readonly NoisyCopies _noise = new(sigma, device);

    public double Sigma => sigma;

    /// <summary>Called after every batch with the number of noisy samples it classified.</summary>
    public Action<long>? OnBatch { get; init; }

    /// <summary>How many of <paramref name="samples"/> noisy copies of <paramref name="image"/> (C, H, W) f puts in each class.</summary>
    public long[] SampleCounts(Tensor image, long samples, Generator generator, CancellationToken ct = default)
    {
        using var _ = no_grad();
        long[] shape = image.shape;
        using var clean = image.unsqueeze(0);
        using var counts = zeros(classes, ScalarType.Int64, device);
        for (long done = 0; done < samples;)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            long rows = Math.Min(batchSize, samples - done);
            var predicted = classify(_noise.Draw(clean, rows, shape, generator));
            var histogram = predicted.to_type(ScalarType.Int64).bincount(null, classes);
            if (histogram.shape[0] != classes)
                throw new InvalidOperationException($"the classifier returned a class outside [0, {classes}).");
            counts.add_(histogram);
            done += rows;
            OnBatch?.Invoke(rows);
        }
        using var cpu = counts.cpu();
        return cpu.data<long>().ToArray();
    }

    /// <summary>
    /// PREDICT: the top class of n noisy samples, or <see cref="Abstain"/> unless the two-sided binomial test of its count
    /// nA against nA + nB (nB the runner-up's count) at p = 1/2 has a p-value &lt;= alpha.
    /// </summary>
    public int Predict(Tensor image, int n, double alpha, Generator generator, CancellationToken ct = default)
    {
        var counts = SampleCounts(image, n, generator, ct);
        int top = TopClass(counts);
        long nA = counts[top];
        long nB = counts.Where((_, c) => c != top).DefaultIfEmpty(0).Max();
        return BinomialTest.TwoSidedPValue(nA, nA + nB) <= alpha ? top : Abstain;
    }

    /// <summary>
    /// CERTIFY: guess cA as the most frequent class of n0 samples, count cA among n fresh samples, bound
    /// P(f(x + e) = cA) from below by the one-sided (1 - alpha) Clopper-Pearson bound pA; certify cA with radius
    /// sigma * Phi^-1(pA) when pA &gt; 1/2, else abstain.
    /// </summary>
    public Certificate Certify(Tensor image, int n0, int n, double alpha, Generator generator, CancellationToken ct = default)
    {
        int guess = TopClass(SampleCounts(image, n0, generator, ct));
        long countA = SampleCounts(image, n, generator, ct)[guess];
        double pALower = ClopperPearson.LowerBound(countA, n, alpha);
        return pALower > 0.5
            ? new Certificate(guess, sigma * Normal.InvCDF(0, 1, pALower), countA, pALower)
            : new Certificate(Abstain, 0, countA, pALower);
    }

    /// <summary>The most frequent class; ties go to the lowest index (numpy's argmax, as in the reference code).</summary>
    static int TopClass(long[] counts)
    {
        int top = 0;
        for (int c = 1; c < counts.Length; c++) if (counts[c] > counts[top]) top = c;
        return top;
    }

    public void Dispose() => _noise.Dispose();
}
