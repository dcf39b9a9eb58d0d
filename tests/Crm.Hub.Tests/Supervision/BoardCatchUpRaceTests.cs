using System.Data.Common;
using Crm.Channels;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Metrics;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Crm.Hub.Supervision;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Tests.Supervision;

/// <summary>
/// The board's rebuild against a real SQLite file, with a writer committing in the middle of it: after the open conversations
/// were listed and before their events are read, a new conversation opens and a listed one gets a message.
/// </summary>
public sealed class BoardCatchUpRaceTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"crm-board-{Guid.NewGuid():N}.db");
    private string ConnectionString => $"Data Source={_path};Pooling=False";

    private HubDbContext Db(params IInterceptor[] interceptors) =>
        new(new DbContextOptionsBuilder<HubDbContext>().UseSqlite(ConnectionString).AddInterceptors(interceptors).Options);

    public async Task InitializeAsync()
    {
        await using var db = Db();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        File.Delete(_path);
        return Task.CompletedTask;
    }

    private static async Task OpenAsync(HubDbContext db, Conversation conversation, DateTimeOffset at)
    {
        db.Contacts.Add(new Contact { Id = conversation.ContactId, DisplayName = $"Contact {conversation.Number}", CreatedAt = at });
        db.Conversations.Add(conversation);
        db.Events.Add(new ConversationEvent
        {
            ConversationId = conversation.Id, Kind = EventKinds.Opened, ClientMethod = StaffEvents.ConversationUpdated, At = at,
            Data = WireJson.Serialize(ConversationViews.From(conversation, $"Contact {conversation.Number}", null)),
        });
        await db.SaveChangesAsync();
    }

    private static Conversation Waiting(long number, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(), Number = number, ContactId = Guid.NewGuid(), Channel = ChannelNames.Sms, Status = ConversationStatus.Waiting,
        CreatedAt = at, WaitingSince = at, LastMessageAt = at,
    };

    /// <summary>Runs <c>during</c> once, just before the first read of events that follows the listing of conversations.</summary>
    private sealed class CommitDuringCatchUp(Func<Task> during) : DbCommandInterceptor
    {
        private bool _listed;
        private bool _done;

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("FROM \"Conversations\"", StringComparison.Ordinal))
            {
                _listed = true;
            }
            else if (_listed && !_done && command.CommandText.Contains("FROM \"Events\"", StringComparison.Ordinal))
            {
                _done = true;
                await during();
            }
            return result;
        }
    }

    [Fact]
    public async Task AConversationOpenedWhileTheBoardRebuildsIsOnIt()
    {
        var now = TimeProvider.System.GetUtcNow();
        var listed = Waiting(1, now.AddMinutes(-5));
        await using (var db = Db())
        {
            await OpenAsync(db, listed, listed.CreatedAt);
        }
        var opened = Waiting(2, now.AddMinutes(-1));
        var interceptor = new CommitDuringCatchUp(async () =>
        {
            await using var writer = Db();
            await OpenAsync(writer, opened, opened.CreatedAt);
            // The listed conversation moves on too, with a later seq than the new one's.
            writer.Events.Add(new ConversationEvent
            {
                ConversationId = listed.Id, Kind = EventKinds.Received, ClientMethod = StaffEvents.MessageAdded, At = now,
                Data = WireJson.Serialize(ConversationViews.From(new Message
                {
                    Id = Guid.NewGuid(), ConversationId = listed.Id, Direction = MessageDirection.Inbound, Channel = ChannelNames.Sms, Body = "hello?",
                    CreatedAt = now,
                }, null)),
            });
            await writer.SaveChangesAsync();
        });
        var services = new ServiceCollection()
            .AddDbContext<HubDbContext>(o => o.UseSqlite(ConnectionString).AddInterceptors(interceptor))
            .BuildServiceProvider();
        await using var _ = services;
        var settings = new MetricsSettingsSource(Options.Create(new MetricsOptions()));
        var state = new BoardState(settings.Current);

        await new BoardCatchUp(services.GetRequiredService<IServiceScopeFactory>(), settings).LoadAsync(state, now, CancellationToken.None);

        Assert.Equal(2, state.OpenConversations);
        Assert.Equal(3, state.LastSeq);
        Assert.Equal(3, state.CaughtUpThrough);
    }
}
