using RobustLab.Training.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Tests.Attacks;

/// <summary>
/// An affine classifier f(x) = W x + b on 8x8 one-channel images, where minimal perturbations have closed forms:
/// to the boundary with class j, L2 distance (f_y - f_j) / ||w_y - w_j||_2 and L-infinity distance
/// (f_y - f_j) / ||w_y - w_j||_1. Images are built so the closed-form perturbation stays inside [0, 1].
/// </summary>
public sealed class LinearClassifier : IDisposable
{
    public const int Side = 8, Pixels = Side * Side;

    public nn.Module<Tensor, Tensor> Model { get; }
    public float[,] W { get; }
    public float[] B { get; }
    public int Classes { get; }

    public LinearClassifier(int classes, int seed)
    {
        Classes = classes;
        var random = new Random(seed);
        W = new float[classes, Pixels];
        B = new float[classes];
        for (int k = 0; k < classes; k++)
        {
            double dot = 0;
            for (int i = 0; i < Pixels; i++) { W[k, i] = (float)Gaussian(random); dot += W[k, i] * 0.5; }
            B[k] = (float)-dot;   // every class scores 0 at the grey image: margins stay small near it
        }
        // Creating a layer draws its initial weights from libtorch's global generator: take the lock that keeps
        // other tests' seeded draws reproducible (the weights are overwritten below anyway).
        TorchSharp.Modules.Linear linear;
        lock (GlobalRandom.Sync) linear = nn.Linear(Pixels, classes);
        using (no_grad())
        {
            var flat = new float[classes * Pixels];
            for (int k = 0; k < classes; k++) for (int i = 0; i < Pixels; i++) flat[k * Pixels + i] = W[k, i];
            linear.weight!.copy_(tensor(flat, [classes, Pixels]));
            linear.bias!.copy_(tensor(B));
        }
        Model = nn.Sequential(("flatten", nn.Flatten()), ("linear", linear));
        Model.eval();
    }

    public double Score(float[] x, int k)
    {
        double f = B[k];
        for (int i = 0; i < Pixels; i++) f += W[k, i] * x[i];
        return f;
    }

    public int Predict(float[] x) => Enumerable.Range(0, Classes).MaxBy(k => Score(x, k));

    /// <summary>Closed-form distance to the nearest decision boundary in the given norm (1 for L-inf, 2 for L2).</summary>
    public (double Distance, int Class) BoundaryDistance(float[] x, int dualNorm)
    {
        int y = Predict(x);
        return Enumerable.Range(0, Classes).Where(j => j != y).Select(j =>
        {
            double norm = 0;
            for (int i = 0; i < Pixels; i++)
            {
                double v = W[y, i] - W[j, i];
                norm += dualNorm == 1 ? Math.Abs(v) : v * v;
            }
            if (dualNorm == 2) norm = Math.Sqrt(norm);
            return ((Score(x, y) - Score(x, j)) / norm, j);
        }).MinBy(p => p.Item1);
    }

    /// <summary>
    /// Images near the grey one, kept only where the closed-form minimal L2 and L-inf perturbations (with 5% extra)
    /// stay well inside [0, 1], so the box never binds.
    /// </summary>
    public List<float[]> Images(int count, int seed)
    {
        var random = new Random(seed);
        var images = new List<float[]>();
        while (images.Count < count)
        {
            var x = Enumerable.Range(0, Pixels).Select(_ => (float)(0.3 + 0.4 * random.NextDouble())).ToArray();
            if (InsideBox(x)) images.Add(x);
        }
        return images;
    }

    bool InsideBox(float[] x)
    {
        int y = Predict(x);
        var (d2, j2) = BoundaryDistance(x, 2);
        var (dInf, jInf) = BoundaryDistance(x, 1);
        double n2 = 0;
        for (int i = 0; i < Pixels; i++) n2 += Math.Pow(W[y, i] - W[j2, i], 2);
        n2 = Math.Sqrt(n2);
        for (int i = 0; i < Pixels; i++)
        {
            double l2Move = 1.05 * d2 * Math.Abs(W[y, i] - W[j2, i]) / n2;
            double infMove = 1.05 * dInf;
            if (x[i] - Math.Max(l2Move, infMove) < 0.02 || x[i] + Math.Max(l2Move, infMove) > 0.98) return false;
        }
        return d2 > 1e-3;
    }

    public (Tensor Images, Tensor Labels) Batch(List<float[]> images) =>
        (tensor(images.SelectMany(x => x).ToArray(), [images.Count, 1, Side, Side]),
         tensor(images.Select(x => (long)Predict(x)).ToArray()));

    static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    public void Dispose() => Model.Dispose();
}
