using RobustLab.Tests.Processes;
using RobustLab.Web.Runs;

namespace RobustLab.Tests.Runs;

/// <summary>The same contract on PostgreSQL (the shared store of several worker machines): a database per test on a throwaway cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlRunStoreTests(PostgresFixture postgres) : EfRunStoreContractTests
{
    protected override async Task<IRunStoreUnderTest> StartAsync()
    {
        string connectionString = await postgres.CreateDatabaseAsync(PostgresFixture.UniqueName("runs"));
        return await RunStoreHarness.StartAsync(StorageProvider.PostgreSql, connectionString);
    }
}
