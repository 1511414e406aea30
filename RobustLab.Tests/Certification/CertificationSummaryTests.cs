using RobustLab.Training.Certification;
using RobustLab.Tests.Loop;

namespace RobustLab.Tests.Certification;

/// <summary>The summary figures follow their definitions, and the per-image CSV round-trips.</summary>
public sealed class CertificationSummaryTests
{
    // Four images: correct with radius 0.3, correct with 1.2, wrong with 0.8, abstained.
    static readonly CertifiedImage[] Rows =
    [
        new(0, 3, 3, 0.3, true),
        new(20, 1, 1, 1.2, true),
        new(40, 2, 5, 0.8, false),
        new(60, 7, SmoothedClassifier.Abstain, 0, false),
    ];

    [Fact]
    public void Summary_figures_follow_their_definitions()
    {
        var summary = CertificationSummary.From(Rows);

        Assert.Equal(151, summary.Curve.Count);
        Assert.Equal(0, summary.Curve[0].Radius);
        Assert.Equal(1.5, summary.Curve[^1].Radius);
        Assert.Equal(new[] { 0.5, 0.5, 0.25, 0.25, 0.25 }, summary.AtRadii.Select(p => p.Accuracy));
        Assert.Equal(CertificationSummary.FixedRadii, summary.AtRadii.Select(p => p.Radius));
        Assert.Equal(0.5, summary.Curve[30].Accuracy);  // r = 0.30: radius >= r still holds for the first image
        Assert.Equal(0.25, summary.Curve[31].Accuracy);
        Assert.Equal(0.25, summary.Curve[120].Accuracy);
        Assert.Equal(0, summary.Curve[121].Accuracy);
        Assert.Equal((0.3 + 1.2) / 4, summary.AverageCertifiedRadius, 12);
        Assert.Equal(0.25, summary.AbstainRate);
        // Trapezoid of the step curve: 0.5 on [0, 0.30], 0.25 on [0.31, 1.20], 0 after, plus the two 0.01 ramps.
        double auc = 0.5 * 0.30 + (0.5 + 0.25) / 2 * 0.01 + 0.25 * 0.89 + 0.25 / 2 * 0.01;
        Assert.Equal(auc, summary.CertifiedAuc, 12);
    }

    [Fact]
    public void Csv_round_trips_the_rows()
    {
        var rows = Rows.Append(new CertifiedImage(80, 0, 0, 0.123456789012345678, true)).ToArray();
        var text = new StringWriter();
        CertificationCsv.Write(text, rows);

        Assert.StartsWith(CertificationCsv.Header + Environment.NewLine, text.ToString());
        Assert.Contains(Environment.NewLine + "60,7,-1,0,0" + Environment.NewLine, text.ToString());
        Assert.Equal(rows, CertificationCsv.Read(new StringReader(text.ToString())));

        using var temp = new TempFolder();
        string path = temp.File(CertificationCsv.FileName(0.25));
        CertificationCsv.WriteFile(path, rows);
        Assert.EndsWith("certify-0.25.csv", path);
        Assert.Equal(rows, CertificationCsv.ReadFile(path));
    }

    [Theory]
    [InlineData("index,label,radius\n", "line 1")]
    [InlineData("index,label,prediction,radius,correct\n1,2,3,0.5\n", "line 2")]
    [InlineData("index,label,prediction,radius,correct\n1,2,3,0.5,1\n1,x,3,0.5,1\n", "label")]
    [InlineData("index,label,prediction,radius,correct\n1,2,3,-0.5,1\n", "radius")]
    [InlineData("index,label,prediction,radius,correct\n1,2,3,0.5,2\n", "correct")]
    public void A_malformed_csv_is_an_error_naming_the_line_or_field(string csv, string mention)
    {
        var error = Assert.Throws<FormatException>(() => CertificationCsv.Read(new StringReader(csv)));
        Assert.Contains(mention, error.Message);
    }
}
