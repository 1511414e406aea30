using RobustLab.Training.Data;
using RobustLab.Training.Models;
using static TorchSharp.torch;

namespace RobustLab.Training.Evaluation;

/// <summary>Test accuracy, GNR and the moment-approximation metrics of a trained network on a test set.</summary>
public static class Evaluator
{
    public static EvaluationResult Evaluate(SplitNetwork model, ImageSet test, double momentSigma, EvaluationOptions options,
        Device device, CancellationToken ct = default)
    {
        model.eval();
        var s = test.Shape;
        using var x = tensor(test.Pixels, [test.Count, s.Channels, s.Height, s.Width], device: device);
        using var y = tensor(test.Labels.Select(l => (long)l).ToArray(), device: device);
        using var clean = Predictions.Of(model, x, options.BatchSize);
        using var correct = clean.eq(y).sum();
        double accuracy = correct.item<long>() / (double)test.Count;

        var curve = Gnr.Curve(model, x, clean, options.GnrSteps, options.GnrMaxSigma, options.BatchSize, options.Seed, ct);
        double momentAccuracy = MomentApproximation.Accuracy(model, x, y, momentSigma, options.BatchSize);
        int gapImages = (int)Math.Min(options.MomentGapImages, test.Count);
        using var gapSubset = x.narrow(0, 0, gapImages);
        double gap = MomentApproximation.RelativeGap(model, gapSubset, momentSigma, options.MomentGapSamples, options.Seed, ct,
            options.BatchSize);

        return new EvaluationResult(accuracy, test.Count, Gnr.Trapezoid(curve), Gnr.Mean(curve), curve, momentAccuracy, gap,
            momentSigma, gapImages, options.MomentGapSamples, options.Seed);
    }
}
