using RobustLab.Tests.Loop;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RobustLab.Web.Hosting;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Jobs;

public class JobConfigurationTests
{
    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData("CPU", "cpu")]
    [InlineData("cuda", "cuda0")]
    [InlineData("cuda:0", "cuda0")]
    [InlineData("cuda:1", "cuda1")]
    [InlineData("cuda:12", "cuda12")]
    public void DeviceQueues_map_a_device_to_its_queue(string device, string queue) => Assert.Equal(queue, DeviceQueues.QueueFor(device));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("")]
    public void DeviceQueues_reject_an_unknown_device_naming_the_field(string device)
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceQueues.QueueFor(device));
        Assert.StartsWith("device:", e.Message);
    }

    [Fact]
    public void Every_device_queue_is_a_valid_Hangfire_queue_name()
    {
        foreach (var device in new[] { "cpu", "cuda", "cuda:0", "cuda:7" })
            Assert.True(WorkerOptions.IsQueueName(DeviceQueues.QueueFor(device)), device);
    }

    [Fact]
    public void Worker_serves_cpu_with_one_worker_when_nothing_is_configured() =>
        Assert.Equal(new Dictionary<string, int> { ["cpu"] = 1 }, new WorkerOptions().EffectiveQueues());

    [Fact]
    public void Worker_with_queues_named_on_the_command_line_serves_exactly_those()
    {
        using var folder = new Loop.TempFolder();
        using var host = WorkerHost.Build(["cuda0", "cuda1"], 2, new Dictionary<string, string?>
        {
            ["Storage:DataFolder"] = folder.Path,
            ["Workers:Queues:cpu"] = "3", // configured, but not named: not served
        });
        Assert.Equal(new Dictionary<string, int> { ["cuda0"] = 2, ["cuda1"] = 2 }, host.Services.GetRequiredService<JobServers>().Queues);
    }

    [Fact]
    public void Heartbeat_defaults_to_a_quarter_of_the_lease_within_one_to_five_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), new RunExecutionOptions().EffectiveHeartbeat);
        Assert.Equal(TimeSpan.FromSeconds(2.5), new RunExecutionOptions { LeaseDuration = TimeSpan.FromSeconds(10) }.EffectiveHeartbeat);
        Assert.Equal(TimeSpan.FromSeconds(1), new RunExecutionOptions { LeaseDuration = TimeSpan.FromSeconds(2) }.EffectiveHeartbeat);
    }

    [Fact]
    public void Invalid_worker_and_run_settings_stop_the_host_naming_each_field()
    {
        using var folder = new Loop.TempFolder();
        using var host = WorkerHost.Build(null, null, new Dictionary<string, string?>
        {
            ["Storage:DataFolder"] = folder.Path,
            ["Workers:Queues:CPU!"] = "1",
            ["Runs:LeaseDuration"] = "00:00:00",
        });
        var workers = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value);
        Assert.Contains(workers.Failures, f => f.Contains("Workers:Queues"));
        var runs = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<RunExecutionOptions>>().Value);
        Assert.Contains(runs.Failures, f => f.Contains("Runs:LeaseDuration"));
    }

    [Fact]
    public void Sqlite_job_storage_lives_beside_the_run_store_in_the_data_folder()
    {
        using var folder = new Loop.TempFolder();
        var storage = new StorageOptions { DataFolder = folder.Path };
        Assert.Equal(Path.Combine(folder.Path, "hangfire.db"), HangfireStorageFactory.SqlitePath(storage));
        var jobStorage = HangfireStorageFactory.Create(storage, new WorkerOptions());
        Assert.True(File.Exists(Path.Combine(folder.Path, "hangfire.db")));
        (jobStorage as IDisposable)?.Dispose();
    }

    [Theory]
    [InlineData(StorageProvider.PostgreSql)]
    [InlineData(StorageProvider.SqlServer)]
    public void Server_storages_need_a_connection_string(StorageProvider provider)
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            HangfireStorageFactory.Create(new StorageOptions { Provider = provider }, new WorkerOptions()));
        Assert.Contains("Storage:ConnectionString", e.Message);
    }
}
