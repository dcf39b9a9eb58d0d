using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Telegram;

/// <summary>Long polling without a public URL: updates are committed, then their offset is saved, and nothing is processed twice.</summary>
public sealed class TelegramPollingTests(PollingTelegramHub hub) : IClassFixture<PollingTelegramHub>
{
    private async Task<string?> CursorAsync()
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.ChannelCursors.Where(c => c.Channel == "telegram" && c.AccountId == TelegramHub.BotId).Select(c => c.Value).FirstOrDefaultAsync();
    }

    private async Task<List<JsonElement>> PolledMessagesAsync()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var conversation = await Wait.UntilAsync(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations")).EnumerateArray()
            .Where(c => c.GetProperty("lastMessagePreview").GetString() == "polled again").Select(c => (JsonElement?)c).FirstOrDefault());
        return [.. (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversation.GetProperty("id").GetGuid()}/messages")).EnumerateArray()];
    }

    [Fact]
    public async Task PolledUpdatesAreCommittedOnceAndTheOffsetIsSavedAfterThem()
    {
        Assert.Equal(2, (await PolledMessagesAsync()).Count);
        await Wait.UntilAsync(async () => await CursorAsync() == "800003" ? (bool?)true : null);

        // The next poll confirms them by asking from the saved offset.
        await Wait.UntilAsync(() => Task.FromResult(hub.Bot.LogEntries.Any(l => l.RequestMessage?.Path == TelegramHub.BotPath("getUpdates")
            && l.RequestMessage.Body?.Contains("\"offset\":800003", StringComparison.Ordinal) == true) ? (bool?)true : null));
        Assert.DoesNotContain(hub.Bot.LogEntries, l => l.RequestMessage?.Path == TelegramHub.BotPath("setWebhook"));

        // A crash after the commit but before the offset was saved: the same batch comes again and is dropped as duplicates.
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await db.ChannelCursors.Where(c => c.Channel == "telegram").ExecuteDeleteAsync();
        }
        hub.Bot.ResetScenarios();
        await Wait.UntilAsync(async () => await CursorAsync() == "800003" ? (bool?)true : null);
        Assert.Equal(2, (await PolledMessagesAsync()).Count);
    }
}
