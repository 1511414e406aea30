using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace RobustLab.Web.Runs;

/// <summary>
/// Sets up every SQLite connection for several writers in one process (the API and the in-process workers): WAL so readers
/// never block the writer, and a busy timeout so a writer waits for the lock instead of failing with "database is locked".
/// journal_mode=WAL is stored in the file; setting it again on an open is a no-op.
/// </summary>
public sealed class SqlitePragmas(int busyTimeoutMs = 30_000) : DbConnectionInterceptor
{
    string Sql => $"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={busyTimeoutMs};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
