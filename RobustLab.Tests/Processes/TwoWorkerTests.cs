using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using RobustLab.Web.Runs;
using Xunit.Abstractions;

namespace RobustLab.Tests.Processes;

/// <summary>
/// Two <c>robustlab worker</c> processes on one PostgreSQL store drain a queue of tiny runs (issue 4): every run
/// finishes exactly once, none is lost, and no run is ever held or trained by two workers.
/// </summary>
[Trait("Category", "Slow")]
[Collection(PostgresCollection.Name)]
public sealed class TwoWorkerTests(PostgresFixture postgres, ITestOutputHelper log)
{
    const int Runs = 6, Epochs = 2;

    [Fact]
    public async Task Two_workers_on_postgresql_drain_a_queue_and_train_every_run_exactly_once()
    {
        string cs = await postgres.CreateDatabaseAsync(PostgresFixture.UniqueName("two_workers"));
        // No worker dies here, so a long lease: a run changes hands only if a heartbeat is late by half a minute.
        await using var lab = new LabDeployment(StorageProvider.PostgreSql, cs, leaseDuration: TimeSpan.FromSeconds(30));
        await lab.StartServeAsync();

        // One core each, so the two processes do not fight over both cores for every batch.
        var oneCore = new Dictionary<string, string?> { ["DOTNET_PROCESSOR_COUNT"] = "1" };
        var workers = new[] { lab.StartWorker("worker-a", oneCore), lab.StartWorker("worker-b", oneCore) };
        foreach (var w in workers)
            await w.WaitForOutputAsync(l => l.Contains("worker(s) on queue 'cpu'"), TimeSpan.FromMinutes(2));

        var ids = new List<Guid>();
        for (int seed = 0; seed < Runs; seed++)
            ids.Add(await lab.SubmitAsync(LabDeployment.TinyRun(epochs: Epochs, trainSubset: 600, testSubset: 100, seed: seed)));

        // Watch the store while the queue drains: which lease owners each run ever had while it was being worked on.
        var owners = new ConcurrentDictionary<Guid, HashSet<string>>();
        foreach (var id in ids) owners[id] = [];
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        List<RunEntity> runs;
        while (true)
        {
            runs = [];
            foreach (var id in ids)
            {
                var run = await lab.GetRunAsync(id);
                if (run.LeaseOwner is not null && run.LeaseExpiresAt > DateTimeOffset.UtcNow && run.Status is RunStatus.Running or RunStatus.Evaluating)
                    owners[id].Add(run.LeaseOwner);
                runs.Add(run);
            }
            if (runs.All(r => r.Status.IsFinished())) break;
            Assert.True(DateTime.UtcNow < deadline,
                $"not drained after 10 minutes: {string.Join(", ", runs.Select(r => $"{r.Id} {r.Status.Name()} {r.Epoch}/{r.Epochs}"))}\n{lab.Outputs()}");
            Assert.All(workers, w => Assert.False(w.HasExited, $"{w.Describe()} exited\n{lab.Outputs()}"));
            await Task.Delay(200);
        }
        log.WriteLine(lab.Outputs());

        // Every run succeeded with each epoch recorded once.
        foreach (var run in runs)
        {
            Assert.True(run.Status == RunStatus.Succeeded, $"run {run.Id} ended {run.Status.Name()}: {run.Error}\n{lab.Outputs()}");
            Assert.Equal(Enumerable.Range(1, Epochs), run.EpochReports.OrderBy(e => e.Epoch).Select(e => e.Epoch));
        }

        // Each run was trained by exactly one worker, exactly once: one "training" line and one "succeeded" line across
        // both workers' logs, from the same worker, and the store never showed it under a second lease owner.
        // The console logger writes on its own thread, so a "succeeded" line can trail the store by a moment.
        var logDeadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < logDeadline && !ids.All(id => workers.Any(w => w.Output.Contains($"Run {id} succeeded"))))
            await Task.Delay(100);
        var trainedBy = new Dictionary<Guid, RobustLabProcess>();
        foreach (var id in ids)
        {
            var started = workers.SelectMany(w => OwnersInLines(w.Output, $"Run {id}: training").Select(owner => (w, owner))).ToList();
            var succeeded = workers.Where(w => w.Output.Contains($"Run {id} succeeded")).ToList();
            Assert.True(started.Count == 1, $"run {id} started {started.Count} times\n{lab.Outputs()}");
            Assert.True(succeeded.Count == 1 && OwnersInLines(succeeded[0].Output, $"Run {id} succeeded").Count == 1,
                $"run {id} succeeded {succeeded.Count} times\n{lab.Outputs()}");
            var (worker, owner) = started[0];
            Assert.Same(worker, succeeded[0]);
            Assert.StartsWith($"{Environment.MachineName}:{worker.Id}:", owner); // the lease owner is that worker's process
            Assert.True(owners[id].All(o => o == owner), $"run {id} was held by {string.Join(", ", owners[id])}, trained as {owner}");
            trainedBy[id] = worker;
        }

        Assert.True(owners.Values.Any(o => o.Count > 0), "the store never showed a run under a live lease while it was being trained");

        // Both workers took part, and neither ever found a run held by the other (no duplicate delivery).
        Assert.All(workers, w => Assert.Contains(w, trainedBy.Values));
        Assert.All(workers, w => Assert.False(w.Output.Contains("is held by another worker"),
            $"{w.Describe()} was handed a run another worker held: a job was delivered twice (check the storage's invisibility timeout)\n{lab.Outputs()}"));
    }

    /// <summary>
    /// One entry per log line (message lines of the console logger) that contains <paramref name="text"/>: the lease
    /// owner it names ("Run {id}: training ... as {owner}."), or "" when it names none.
    /// </summary>
    static List<string> OwnersInLines(string output, string text) =>
        output.Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal))
            .Select(l => Regex.Match(l, @" as (\S+)\.\s*$") is { Success: true } m ? m.Groups[1].Value : "").ToList();
}
