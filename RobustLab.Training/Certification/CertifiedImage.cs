namespace RobustLab.Training.Certification;

/// <summary>One certified test image (a row of the per-image CSV).</summary>
/// <param name="Index">Position of the image in the test set.</param>
/// <param name="Prediction">The smoothed classifier's class, or -1 (<see cref="SmoothedClassifier.Abstain"/>).</param>
/// <param name="Radius">Certified L2 radius in pixel units; 0 when abstaining.</param>
/// <param name="Correct">The prediction equals the label (false when abstaining).</param>
public sealed record CertifiedImage(int Index, int Label, int Prediction, double Radius, bool Correct)
{
    public bool Abstained => Prediction == SmoothedClassifier.Abstain;
}
