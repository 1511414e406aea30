using RobustLab.Tests.Api;
using RobustLab.Training.Certification;
using RobustLab.Training.Evaluation;
using RobustLab.Training.Loop;
using RobustLab.Web.Components.RunForm;

namespace RobustLab.Tests.Dashboard.RunForm;

/// <summary>The form's estimate of certification after training: images x (n0 + n) noisy samples over measured (or the default) throughput.</summary>
public sealed class CertifyEstimateTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("robustlab-certest-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    static CertificationMetrics Certified(double sigma, int n0, int n, int images) =>
        new(sigma, n0, n, 0.001, 0, images, 1, [], 0.3, 0.2, 0.1, 0.9, 30, 1);

    static EvaluationResult Metrics(double? certifyingSeconds, params CertificationMetrics[] certs) =>
        FakeRunStore.SampleMetrics() with
        {
            Certification = certs,
            Timings = certifyingSeconds is { } s ? StageTimings.WithStage(null, RunStage.Certifying, s) : null,
        };

    [Fact]
    public void Measured_rate_is_the_mean_over_certified_runs_of_samples_over_certifying_seconds()
    {
        var rate = RunFormEstimator.CertifyRate(
        [
            Metrics(101, Certified(0.25, 100, 10_000, 500)),                        // 5,050,000 samples in 101 s: 50,000/s
            Metrics(10, Certified(0.25, 100, 900, 100), Certified(0.5, 100, 900, 100)), // 200,000 samples in 10 s: 20,000/s
            Metrics(null, Certified(0.25, 100, 900, 100)),                            // no Certifying stage: not a measurement
            FakeRunStore.SampleMetrics(),                                              // never certified
            null,
        ]);
        Assert.Equal((35_000.0, 2), rate);
        Assert.Null(RunFormEstimator.CertifyRate([FakeRunStore.SampleMetrics(), null]));
    }

    [Fact]
    public async Task Summary_adds_certification_of_every_queued_run_at_the_measured_rate()
    {
        var store = new FakeRunStore(_folder);
        // A certified lenet run: 100 images x (100 + 900) = 100,000 samples in 5 s, 20,000/s.
        store.Add(RunFormContext.DefaultRegularizer with { Sigma = 0.5 }, run =>
        {
            FakeRunStore.Succeed(run, Metrics(5, Certified(0.5, 100, 900, 100)));
            run.EpochReports = [.. Enumerable.Range(1, 3).Select(e => new RobustLab.Web.Runs.EpochEntity
            {
                RunId = run.Id, Epoch = e, ImagesPerSecond = 1000, Seconds = 1, RecordedAt = DateTimeOffset.UtcNow,
            })];
        });
        var model = new RunFormModel { Certify = true, CertifyN = "1000", CertifyImages = "100" };
        var check = RunFormValidator.Check(model);
        Assert.True(check.IsValid, string.Join(" ", check.Errors.SelectMany(e => e.Value)));

        var summary = await new RunFormEstimator(store).SummarizeAsync(check);

        // Baseline and regularizer: 2 x 100 x (100 + 1000) = 220,000 samples at 20,000/s = 11 s.
        Assert.NotNull(summary.Certify);
        Assert.Equal(11, summary.Certify!.Seconds, 9);
        Assert.Contains("20,000 noisy samples/s, the mean of 1 certified lenet run", summary.Certify.Source);
        Assert.Contains("+ 11 s certification", summary.EstimateText);
    }

    [Fact]
    public async Task Without_a_certified_run_the_default_throughput_is_assumed_and_said()
    {
        var model = new RunFormModel { Certify = true, CertifyN = "1000", CertifyImages = "100" };
        var summary = await new RunFormEstimator(new FakeRunStore(_folder)).SummarizeAsync(RunFormValidator.Check(model));
        Assert.Equal(220_000 / RunFormEstimator.DefaultCertifySamplesPerSecond, summary.Certify!.Seconds, 9);
        Assert.Contains("no lenet run certified yet; assumed", summary.Certify.Source);

        var off = await new RunFormEstimator(new FakeRunStore(_folder)).SummarizeAsync(RunFormValidator.Check(new RunFormModel()));
        Assert.Null(off.Certify);
    }
}
