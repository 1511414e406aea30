using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace RobustLab.Web.Runs;

/// <summary>The run store on SQL Server; migrations in Runs/Migrations/SqlServer.</summary>
public sealed class SqlServerRunStoreContext(DbContextOptions<SqlServerRunStoreContext> options) : RunStoreContext(options);

/// <summary>For dotnet-ef only (no server is contacted to add a migration).</summary>
public sealed class SqlServerRunStoreContextDesignFactory : IDesignTimeDbContextFactory<SqlServerRunStoreContext>
{
    public SqlServerRunStoreContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerRunStoreContext>()
            .UseSqlServer("Server=localhost;Database=robustlab;Trusted_Connection=True;TrustServerCertificate=True").Options);
}
