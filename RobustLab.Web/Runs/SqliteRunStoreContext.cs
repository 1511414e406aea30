using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace RobustLab.Web.Runs;

/// <summary>The run store on SQLite (the embedded default); migrations in Runs/Migrations/Sqlite.</summary>
public sealed class SqliteRunStoreContext(DbContextOptions<SqliteRunStoreContext> options) : RunStoreContext(options);

/// <summary>For dotnet-ef only: <c>dotnet ef migrations add X --context SqliteRunStoreContext --output-dir Runs/Migrations/Sqlite</c>.</summary>
public sealed class SqliteRunStoreContextDesignFactory : IDesignTimeDbContextFactory<SqliteRunStoreContext>
{
    public SqliteRunStoreContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteRunStoreContext>().UseSqlite("Data Source=robustlab-design.db").Options);
}
