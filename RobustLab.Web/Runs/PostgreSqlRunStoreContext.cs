using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace RobustLab.Web.Runs;

/// <summary>The run store on PostgreSQL (shared by several worker machines); migrations in Runs/Migrations/PostgreSql.</summary>
public sealed class PostgreSqlRunStoreContext(DbContextOptions<PostgreSqlRunStoreContext> options) : RunStoreContext(options);

/// <summary>For dotnet-ef only (no server is contacted to add a migration).</summary>
public sealed class PostgreSqlRunStoreContextDesignFactory : IDesignTimeDbContextFactory<PostgreSqlRunStoreContext>
{
    public PostgreSqlRunStoreContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlRunStoreContext>().UseNpgsql("Host=localhost;Database=robustlab").Options);
}
