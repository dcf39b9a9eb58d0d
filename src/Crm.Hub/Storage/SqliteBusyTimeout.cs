using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Crm.Hub.Storage;

/// <summary>
/// Lets SQLite itself wait for another connection's write lock (<c>PRAGMA busy_timeout</c>, polled every few
/// milliseconds) instead of failing at once into Microsoft.Data.Sqlite's retry, which sleeps 150 ms a time. Two writers
/// that meet — the campaign runner committing a batch while the outbox records a send — then wait for each other's
/// commit (milliseconds), not a fixed 150 ms: that sleep was most of the time a 100 messages/s campaign lost.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    /// <summary>As long as a command may wait (the connection string's <c>Default Timeout</c>, 30 s).</summary>
    public const int Milliseconds = 30_000;

    public static SqliteBusyTimeout Instance { get; } = new();

    private const string Pragma = "PRAGMA busy_timeout = 30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
