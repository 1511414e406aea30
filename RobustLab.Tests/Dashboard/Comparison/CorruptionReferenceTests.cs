using RobustLab.Tests.Api;
using RobustLab.Tests.Artifacts;
using RobustLab.Training.Checkpoints;
using RobustLab.Training.Corruptions;
using RobustLab.Training.Loop;
using RobustLab.Web.Comparison;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;
using static RobustLab.Tests.Dashboard.Comparison.RobustnessReports;

namespace RobustLab.Tests.Dashboard.Comparison;

/// <summary>
/// The one mCE reference rule (<see cref="CorruptionReference"/>): the corruption job and the Corruptions table pick the
/// same baseline run, the newest by run id among those that can serve.
/// </summary>
public sealed class CorruptionReferenceTests
{
    static readonly CorruptionReport Report = Corrupted(0.9, 0.05, new Dictionary<string, double[]> { [CorruptionCatalog.GaussianNoise] = [0.8] });

    [Fact]
    public async Task The_corruption_job_and_the_corruptions_table_choose_the_same_baseline()
    {
        var folder = Directory.CreateTempSubdirectory("corruption-reference-");
        try
        {
            var store = new FakeRunStore(folder.FullName);
            var now = DateTimeOffset.UtcNow;
            var options = new TrainingOptions { Dataset = "fashion-mnist", Model = "lenet", Method = TrainingMethod.Baseline };
            RunEntity Baseline(int hoursAgo, int finishedMinutesLater, int seed) => store.Add(options with { Seed = seed }, r =>
            {
                FakeRunStore.Succeed(r);
                r.Id = Guid.CreateVersion7(now.AddHours(-hoursAgo));
                r.FinishedAt = now.AddMinutes(finishedMinutesLater);
                Directory.CreateDirectory(r.RunDir!);
                File.WriteAllText(Path.Combine(r.RunDir!, RunFolder.ModelDatFile), "weights"); // what the job checks for
            });
            // The older baseline finished last: the run id (creation order) decides, not the finishing time.
            var older = Baseline(hoursAgo: 2, finishedMinutesLater: 90, seed: 1);
            var newer = Baseline(hoursAgo: 1, finishedMinutesLater: 10, seed: 2);
            // The newest of all cannot serve: its run folder is gone and it has no report.
            var gone = Baseline(hoursAgo: 0, finishedMinutesLater: 20, seed: 3);
            Directory.Delete(gone.RunDir!, recursive: true);
            var regularizer = store.Add(options with { Method = TrainingMethod.Regularizer, Seed = 4 }, r => FakeRunStore.Succeed(r));

            var artifacts = MemoryArtifactStore.RunFolders(folder.FullName);
            var jobChoice = await CorruptRunJob.FindBaselineAsync(store, artifacts, regularizer, CancellationToken.None);
            var runs = new[] { older, newer }.Select(r => ComparisonRun.From(r)! with { Corruptions = Report })
                .Append(ComparisonRun.From(gone)!)
                .Append(ComparisonRun.From(regularizer)! with { Corruptions = Report });
            var tableChoice = new CorruptionTable(new FairComparison()).Build("fashion-mnist", "lenet", runs).Reference;

            Assert.Equal(newer.Id, jobChoice!.Id);
            Assert.Equal(newer.Id, tableChoice!.Id);
            // A baseline run is its own reference in the job.
            Assert.Same(older, await CorruptRunJob.FindBaselineAsync(store, artifacts, older, CancellationToken.None));
        }
        finally { folder.Delete(recursive: true); }
    }

    [Fact]
    public void Only_baselines_that_can_serve_are_chosen_and_none_gives_null()
    {
        var ids = Enumerable.Range(0, 3).Select(i => Guid.CreateVersion7(DateTimeOffset.UtcNow.AddMinutes(i))).ToArray();
        var runs = new[] { (Id: ids[0], Method: TrainingMethod.Baseline), (ids[1], TrainingMethod.Baseline), (ids[2], TrainingMethod.Regularizer) }
            .Select(r => new Tuple<Guid, TrainingMethod>(r.Item1, r.Item2)).ToList();
        Assert.Equal(ids[1], CorruptionReference.Choose(runs, r => r.Item1, r => r.Item2, _ => true)!.Item1);
        Assert.Equal(ids[0], CorruptionReference.Choose(runs, r => r.Item1, r => r.Item2, r => r.Item1 != ids[1])!.Item1);
        Assert.Null(CorruptionReference.Choose(runs, r => r.Item1, r => r.Item2, _ => false));
    }
}
