using RobustLab.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace RobustLab.Tests.Certification;

/// <summary>
/// A two-class linear classifier on 1x2x2 images, a TorchSharp Linear module with fixed weights: class 1 where
/// w.x + b &gt; 0. Under N(0, sigma^2 I) noise P(f(x + e) = f(x)) = Phi(d / sigma) with d = |w.x + b| / ||w|| the
/// distance to the hyperplane, so the exact certified radius of the smoothed classifier is d.
/// </summary>
public sealed class LinearClassifier : IDisposable
{
    static readonly float[] W = [1f, -2f, 0.5f, 1f];
    const float B = -0.3f;
    public static readonly ImageShape Shape = new(1, 2, 2);
    readonly nn.Module<Tensor, Tensor> _linear;

    public LinearClassifier()
    {
        var linear = nn.Linear(4, 2);
        using (no_grad())
        {
            float[] weights = [0, 0, 0, 0, .. W];
            using var weight = tensor(weights, [2, 4]);
            using var bias = tensor(new float[] { 0, B });
            linear.weight!.copy_(weight);
            linear.bias!.copy_(bias);
        }
        _linear = linear;
    }

    /// <summary>Forward passes made so far.</summary>
    public int Calls { get; private set; }
    public Action<int>? AfterCall { get; set; }

    public Tensor Classify(Tensor x)
    {
        Calls++;
        var classes = _linear.call(x.flatten(1)).argmax(1);
        AfterCall?.Invoke(Calls);
        return classes;
    }

    static double Norm => Math.Sqrt(W.Sum(v => (double)v * v));

    /// <summary>A point at signed distance <paramref name="distance"/> from the hyperplane (class 1 when positive), offset along it by <paramref name="along"/>.</summary>
    public static float[] PointAt(double distance, double along = 0)
    {
        // p0 = -b w / ||w||^2 is on the hyperplane; (2, 1, 0, 0) is orthogonal to w.
        var along0 = new[] { 2.0, 1.0, 0, 0 };
        double alongNorm = Math.Sqrt(5);
        return Enumerable.Range(0, 4)
            .Select(i => (float)(-B * W[i] / (Norm * Norm) + distance * W[i] / Norm + along * along0[i] / alongNorm)).ToArray();
    }

    /// <summary>Exact distance of a point to the hyperplane (in double precision).</summary>
    public static double DistanceOf(float[] p) => Math.Abs(Enumerable.Range(0, 4).Sum(i => (double)W[i] * p[i]) + B) / Norm;

    public static int ClassOf(float[] p) => Enumerable.Range(0, 4).Sum(i => (double)W[i] * p[i]) + B > 0 ? 1 : 0;

    public static ImageSet Images(params float[][] points) =>
        new("linear", Shape, 2, points.SelectMany(p => p).ToArray(), points.Select(ClassOf).ToArray());

    public void Dispose() => _linear.Dispose();
}
