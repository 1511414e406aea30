using RobustLab.Training.Data;
using RobustLab.Training.Models;
using RobustLab.Training.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobustLab.Tests.Objectives;

/// <summary>
/// A network small enough to compute by hand: 1x2x2 pixels, Upsilon a 2x2 convolution to 3 channels (so a 3x4 matrix
/// A on the 4 pixels), ReLU, Omega a 3 -> 2 linear layer. Identity normalisation, fixed weights. <see cref="Logits"/>
/// and <see cref="PreActivation"/> are the same network in plain doubles.
/// </summary>
public sealed class TinyNetwork : SplitNetwork
{
    public static readonly double[,] A = { { 0.5, -0.3, 0.2, 0.1 }, { -0.4, 0.6, 0.3, -0.2 }, { 0.2, 0.2, -0.5, 0.7 } };
    public static readonly double[] C1 = [0.05, -0.1, 0.02];
    public static readonly double[,] W2 = { { 0.8, -0.6, 0.3 }, { -0.2, 0.9, -0.7 } };
    public static readonly double[] B2 = [0.1, -0.05];

    readonly Conv2d conv1;
    readonly Linear fc;

    public TinyNetwork() : base("Tiny", new ModelSpec("tiny", new ImageShape(1, 2, 2), 2, Normalization.Identity(1)))
    {
        lock (GlobalRandom.Sync)
        {
            conv1 = nn.Conv2d(1, 3, 2);
            fc = nn.Linear(3, 2);
        }
        using (no_grad())
        {
            conv1.weight!.copy_(tensor(Flat(A), [3, 1, 2, 2]));
            conv1.bias!.copy_(tensor(C1.Select(v => (float)v).ToArray()));
            fc.weight!.copy_(tensor(Flat(W2), [2, 3]));
            fc.bias!.copy_(tensor(B2.Select(v => (float)v).ToArray()));
        }
        RegisterComponents();
    }

    public override nn.Module<Tensor, Tensor> Upsilon => conv1;

    public override Tensor Omega(Tensor firstReluOutput) => fc.call(firstReluOutput.flatten(1));

    static float[] Flat(double[,] m) => m.Cast<double>().Select(v => (float)v).ToArray();

    /// <summary>mu2 = A x + c1 for one image's 4 pixels (row-major).</summary>
    public static double[] PreActivation(double[] x) =>
        Enumerable.Range(0, 3).Select(j => C1[j] + Enumerable.Range(0, 4).Sum(i => A[j, i] * x[i])).ToArray();

    /// <summary>Omega applied to a first-ReLU output.</summary>
    public static double[] Omega(double[] h) =>
        Enumerable.Range(0, 2).Select(k => B2[k] + Enumerable.Range(0, 3).Sum(j => W2[k, j] * h[j])).ToArray();

    public static double[] Logits(double[] x) => Omega(PreActivation(x).Select(v => Math.Max(v, 0)).ToArray());

    /// <summary>log softmax of one row of logits.</summary>
    public static double[] LogSoftmax(double[] logits)
    {
        double max = logits.Max();
        double logSum = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
        return logits.Select(l => l - logSum).ToArray();
    }
}
