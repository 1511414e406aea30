using RobustLab.Training.Evaluation;

namespace RobustLab.Tests.Evaluation;

public class GnrTests
{
    [Fact]
    public void Trapezoid_and_mean_scalars_follow_their_definitions()
    {
        var curve = new[] { new GnrPoint(0, 1), new GnrPoint(0.25, 0.5), new GnrPoint(0.5, 0.5) };
        Assert.Equal((1 + 0.5 + 0.5) / 3, Gnr.Mean(curve), 12);
        // area = 0.25 * 0.75 + 0.25 * 0.5 = 0.3125, divided by the range 0.5
        Assert.Equal(0.625, Gnr.Trapezoid(curve), 12);
    }
}
