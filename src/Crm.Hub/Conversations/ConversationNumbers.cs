using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Conversations;

/// <summary>A named counter row: <see cref="ConversationNumbers"/> keeps the last conversation number handed out in one.</summary>
internal sealed class NumberCounter
{
    public required string Name { get; set; }
    public long Value { get; set; }
}

/// <summary>
/// Hands out conversation numbers (#1042) from one counter row moved by a single atomic statement, so two writers never get the same
/// number: <c>MAX(Number) + 1</c> does, on PostgreSQL, where two transactions can read the same maximum. Static and DI-free: callers
/// reserve inside their own transaction (a rollback gives the numbers back) or outside one (a gap, never a duplicate).
/// </summary>
internal static class ConversationNumbers
{
    public const string CounterName = "conversation-number";

    /// <summary>Reserves <paramref name="count"/> consecutive numbers and returns the first.</summary>
    public static async Task<long> ReserveAsync(HubDbContext db, int count, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (await TryReserveAsync(db, count, ct) is { } first)
        {
            return first;
        }
        // No counter row (a database made without migrations): start it at the highest number in use, then reserve. ("WHERE true"
        // keeps SQLite from reading ON CONFLICT as a join.)
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Counters" ("Name", "Value")
            SELECT {CounterName}, COALESCE(MAX("Number"), 0) FROM "Conversations" WHERE true
            ON CONFLICT ("Name") DO NOTHING
            """, ct);
        return await TryReserveAsync(db, count, ct)
            ?? throw new InvalidOperationException($"The \"{CounterName}\" counter row could not be created.");
    }

    /// <remarks>
    /// <c>UPDATE … RETURNING</c> is one statement on SQLite (3.35+) and PostgreSQL alike; on PostgreSQL the row lock orders concurrent
    /// reservations. It also moves past any number written without it (an import, a restore): never behind the highest in use.
    /// </remarks>
    private static async Task<long?> TryReserveAsync(HubDbContext db, int count, CancellationToken ct)
    {
        var last = await db.Database.SqlQuery<long>($"""
            UPDATE "Counters"
            SET "Value" = (CASE WHEN "Value" >= m."Top" THEN "Value" ELSE m."Top" END) + {count}
            FROM (SELECT COALESCE(MAX("Number"), 0) AS "Top" FROM "Conversations") AS m
            WHERE "Name" = {CounterName}
            RETURNING "Value"
            """).ToListAsync(ct);
        return last.Count == 0 ? null : last[0] - count + 1;
    }
}

internal static class NumberCounterConfiguration
{
    public static void Configure(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<NumberCounter>(e =>
        {
            e.ToTable("Counters");
            e.HasKey(c => c.Name);
            e.Property(c => c.Name).HasMaxLength(64);
        });
}
