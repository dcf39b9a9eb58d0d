using Crm.Hub.Conversations;
using Crm.Hub.Outbox;
using Crm.Hub.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Tests.Storage;

/// <summary>Rows written past the change tracker must be exactly what EF would have written: EF reads them back field for field.</summary>
public sealed class RowWriterTests : IAsyncLifetime
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private DbContextOptions<HubDbContext> _options = null!;

    public async Task InitializeAsync()
    {
        await _connection.OpenAsync();
        _options = new DbContextOptionsBuilder<HubDbContext>().UseSqlite(_connection).Options;
        await using var db = new HubDbContext(_options);
        await db.Database.MigrateAsync();
    }

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    private static readonly DateTimeOffset At = new(2026, 11, 24, 1, 30, 15, 123, TimeSpan.Zero);

    private static OutboxMessage Row(int i) => new()
    {
        Id = Guid.CreateVersion7(At), MessageId = Guid.CreateVersion7(At), Channel = i % 2 == 0 ? "sms" : "telegram",
        State = i % 3 == 0 ? OutboxState.Failed : OutboxState.Pending, Attempts = i, NextAttemptAt = At.AddSeconds(i),
        LastError = i % 3 == 0 ? $"error {i}" : null, CreatedAt = At, CompletedAt = i % 3 == 0 ? At.AddMinutes(i) : null,
    };

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(70)]
    public async Task ManyRowsAtOnceAndTheRestOneByOneReadBackAsWritten(int count)
    {
        var rows = Enumerable.Range(0, count).Select(Row).ToList();
        await using (var db = new HubDbContext(_options))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await RowWriter<OutboxMessage>.InsertAllAsync(db, rows, CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using var read = new HubDbContext(_options);
        var stored = await read.Outbox.AsNoTracking().ToDictionaryAsync(o => o.Id);
        Assert.Equal(count, stored.Count);
        foreach (var row in rows)
        {
            var back = stored[row.Id];
            Assert.Equal((row.MessageId, row.Channel, row.State, row.Attempts, row.NextAttemptAt, row.LastError, row.CreatedAt, row.CompletedAt),
                (back.MessageId, back.Channel, back.State, back.Attempts, back.NextAttemptAt, back.LastError, back.CreatedAt, back.CompletedAt));
        }
        // Queried by the converted columns, as the dispatcher does.
        Assert.Equal(rows.Count(r => r.State == OutboxState.Pending && r.NextAttemptAt <= At.AddSeconds(10)),
            await read.Outbox.CountAsync(o => o.State == OutboxState.Pending && o.NextAttemptAt <= At.AddSeconds(10)));
    }

    [Fact]
    public async Task AnUpdateChangesOnlyTheNamedColumnsOfTheRowWithTheKey()
    {
        var rows = Enumerable.Range(1, 3).Select(Row).ToList();
        await using (var db = new HubDbContext(_options))
        {
            db.Outbox.AddRange(rows);
            await db.SaveChangesAsync();
        }
        await using (var db = new HubDbContext(_options))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await using var update = RowWriter<OutboxMessage>.Update(db, nameof(OutboxMessage.State), nameof(OutboxMessage.LastError));
            var changed = new OutboxMessage
            {
                Id = rows[1].Id, MessageId = Guid.NewGuid(), Channel = "fax", State = OutboxState.Sent, LastError = null, Attempts = 99,
            };
            Assert.Equal(1, await update.WriteAsync(changed, CancellationToken.None));
            Assert.Equal(0, await update.WriteAsync(new OutboxMessage { Id = Guid.NewGuid(), Channel = "sms" }, CancellationToken.None));
            await transaction.CommitAsync();
        }

        await using var read = new HubDbContext(_options);
        var back = await read.Outbox.AsNoTracking().SingleAsync(o => o.Id == rows[1].Id);
        Assert.Equal(OutboxState.Sent, back.State);
        Assert.Null(back.LastError);
        Assert.Equal((rows[1].MessageId, rows[1].Channel, rows[1].Attempts), (back.MessageId, back.Channel, back.Attempts));
        Assert.Equal(rows[0].State, (await read.Outbox.AsNoTracking().SingleAsync(o => o.Id == rows[0].Id)).State);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(25)]
    public async Task ManyUpdatesAtOnceChangeOnlyTheNamedColumnsOfEachRowByItsKey(int count)
    {
        var rows = Enumerable.Range(0, count + 2).Select(Row).ToList();
        await using (var db = new HubDbContext(_options))
        {
            db.Outbox.AddRange(rows);
            await db.SaveChangesAsync();
        }
        // Every row but the last two gets its own new state, error and time; other columns keep what is stored.
        var changes = rows.Take(count).Select((r, i) => new OutboxMessage
        {
            Id = r.Id, Channel = "fax", MessageId = Guid.NewGuid(), Attempts = 1000 + i,
            State = i % 2 == 0 ? OutboxState.Sent : OutboxState.Unknown, LastError = i % 2 == 0 ? null : $"changed {i}", CompletedAt = At.AddHours(i),
        }).ToList();
        await using (var db = new HubDbContext(_options))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await RowWriter<OutboxMessage>.UpdateAllAsync(db, changes,
                [nameof(OutboxMessage.State), nameof(OutboxMessage.LastError), nameof(OutboxMessage.CompletedAt)], CancellationToken.None, rowsPerStatement: 10);
            await transaction.CommitAsync();
        }

        await using var read = new HubDbContext(_options);
        var stored = await read.Outbox.AsNoTracking().ToDictionaryAsync(o => o.Id);
        for (var i = 0; i < rows.Count; i++)
        {
            var (row, back) = (rows[i], stored[rows[i].Id]);
            Assert.Equal((row.MessageId, row.Channel, row.Attempts, row.NextAttemptAt), (back.MessageId, back.Channel, back.Attempts, back.NextAttemptAt));
            var expected = i < count ? changes[i] : row;
            Assert.Equal((expected.State, expected.LastError, expected.CompletedAt), (back.State, back.LastError, back.CompletedAt));
        }
    }

    [Fact]
    public async Task WritingOutsideATransactionIsRefused()
    {
        await using var db = new HubDbContext(_options);
        Assert.Throws<InvalidOperationException>(() => RowWriter<Conversation>.Insert(db));
    }
}
