using Crm.Channels;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Conversations;

/// <summary>Conversation numbers come from one counter row moved atomically: concurrent writers never get the same number.</summary>
public sealed class ConversationNumbersTests(HubServer hub) : IClassFixture<HubServer>
{
    private async Task<T> WithDbAsync<T>(Func<HubDbContext, Task<T>> use)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }

    [Fact]
    public async Task ConcurrentReservationsNeverOverlap()
    {
        var reserved = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var ranges = new List<(long First, int Count)>();
            for (var i = 0; i < 20; i++)
            {
                var count = 1 + ((worker + i) % 3);
                ranges.Add((await WithDbAsync(db => ConversationNumbers.ReserveAsync(db, count, CancellationToken.None)), count));
            }
            return ranges;
        })));

        var numbers = reserved.SelectMany(r => r).SelectMany(r => Enumerable.Range(0, r.Count).Select(k => r.First + k)).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.All(numbers, n => Assert.True(n > 0));
    }

    [Fact]
    public async Task ReservationsInsideARolledBackTransactionAreGivenBackAndOthersFollowOn()
    {
        var before = await WithDbAsync(db => ConversationNumbers.ReserveAsync(db, 1, CancellationToken.None));
        await WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            Assert.Equal(before + 1, await ConversationNumbers.ReserveAsync(db, 5, CancellationToken.None));
            await transaction.RollbackAsync();
            return 0;
        });

        Assert.Equal(before + 1, await WithDbAsync(db => ConversationNumbers.ReserveAsync(db, 1, CancellationToken.None)));
    }

    [Fact]
    public async Task ANumberWrittenWithoutTheCounterIsNeverHandedOutAgain()
    {
        var now = TimeProvider.System.GetUtcNow();
        var next = await WithDbAsync(db => ConversationNumbers.ReserveAsync(db, 1, CancellationToken.None));
        var imported = next + 500;
        await WithDbAsync(async db =>
        {
            var contact = new Contact { Id = Guid.NewGuid(), DisplayName = "Imported", CreatedAt = now };
            db.Contacts.Add(contact);
            db.Conversations.Add(new Conversation
            {
                Id = Guid.NewGuid(), Number = imported, ContactId = contact.Id, Channel = ChannelNames.Sms, Status = ConversationStatus.Resolved,
                CreatedAt = now, WaitingSince = now, LastMessageAt = now, ResolvedAt = now,
            });
            return await db.SaveChangesAsync();
        });

        Assert.Equal(imported + 1, await WithDbAsync(db => ConversationNumbers.ReserveAsync(db, 2, CancellationToken.None)));
    }

    [Fact]
    public async Task AMissingCounterRowStartsAtTheHighestNumberInUse()
    {
        var highest = await WithDbAsync(async db =>
        {
            await db.Counters.Where(c => c.Name == ConversationNumbers.CounterName).ExecuteDeleteAsync();
            return await db.Conversations.MaxAsync(c => (long?)c.Number) ?? 0;
        });

        Assert.Equal(highest + 1, await WithDbAsync(db => ConversationNumbers.ReserveAsync(db, 1, CancellationToken.None)));
        Assert.Equal(highest + 2, await WithDbAsync(db => ConversationNumbers.ReserveAsync(db, 1, CancellationToken.None)));
    }

    [Fact]
    public async Task ANewConversationTakesTheNextNumber()
    {
        var next = await WithDbAsync(db => ConversationNumbers.ReserveAsync(db, 1, CancellationToken.None));

        var conversationId = await hub.VisitorWritesAsync("what number am I?");

        var number = await WithDbAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.Number).SingleAsync());
        Assert.Equal(next + 1, number);
    }
}
