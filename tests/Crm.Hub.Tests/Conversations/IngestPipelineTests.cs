using System.Net.Http.Json;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Conversations;

/// <summary>The one ingest entry: identity resolution, de-duplication and threading, against the real database.</summary>
public sealed class IngestPipelineTests(HubServer hub) : IClassFixture<HubServer>
{
    private IngestPipeline Pipeline => hub.Services.GetRequiredService<IngestPipeline>();

    private static InboundMessage Sms(string from, string providerId, string body = "hello") =>
        new(new ChannelAddress(ChannelNames.Sms, "+15550000000", from), providerId, body, DateTimeOffset.UnixEpoch, SenderName: null);

    private async Task<T> WithDbAsync<T>(Func<HubDbContext, Task<T>> read)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }

    [Fact]
    public async Task DuplicateProviderRetryIsStoredOnce()
    {
        var providerId = $"SM{Guid.NewGuid():N}";
        var first = await Pipeline.IngestAsync(Sms("+15551110001", providerId), default);
        var retry = await Pipeline.IngestAsync(Sms("+15551110001", providerId), default);

        Assert.False(first.Duplicate);
        Assert.True(retry.Duplicate);
        Assert.Equal(first.MessageId, retry.MessageId);
        Assert.Equal(1, await WithDbAsync(db => db.Messages.CountAsync(m => m.ProviderMessageId == providerId)));
    }

    [Fact]
    public async Task ConcurrentDuplicatesAreStoredOnce()
    {
        var providerId = $"SM{Guid.NewGuid():N}";
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Pipeline.IngestAsync(Sms("+15551110002", providerId), default)));

        Assert.Single(results, r => !r.Duplicate);
        Assert.Single(results.Select(r => r.MessageId).Distinct());
        Assert.Equal(1, await WithDbAsync(db => db.Messages.CountAsync(m => m.ProviderMessageId == providerId)));
    }

    [Fact]
    public async Task SameAddressThreadsIntoTheOpenConversationOfTheSameContact()
    {
        var first = await Pipeline.IngestAsync(Sms("+15551110003", $"SM{Guid.NewGuid():N}", "one"), default);
        var second = await Pipeline.IngestAsync(Sms("+15551110003", $"SM{Guid.NewGuid():N}", "two"), default);
        var stranger = await Pipeline.IngestAsync(Sms("+15551110004", $"SM{Guid.NewGuid():N}", "three"), default);

        Assert.Equal(first.ContactId, second.ContactId);
        Assert.Equal(first.ConversationId, second.ConversationId);
        Assert.NotEqual(first.ContactId, stranger.ContactId);
        Assert.NotEqual(first.ConversationId, stranger.ConversationId);
        Assert.Equal(1, await WithDbAsync(db => db.ChannelIdentities.CountAsync(i => i.Address == "+15551110003")));
    }

    [Fact]
    public async Task MessageAfterResolutionOpensANewConversationForTheSameContact()
    {
        var first = await Pipeline.IngestAsync(Sms("+15551110005", $"SM{Guid.NewGuid():N}"), default);
        using var admin = hub.Client(await hub.TokenAsync());
        (await admin.PostAsync($"/api/v1/conversations/{first.ConversationId}/resolve", null)).EnsureSuccessStatusCode();

        var later = await Pipeline.IngestAsync(Sms("+15551110005", $"SM{Guid.NewGuid():N}", "back again"), default);

        Assert.Equal(first.ContactId, later.ContactId);
        Assert.NotEqual(first.ConversationId, later.ConversationId);
        var contact = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{first.ContactId}");
        Assert.Equal(2, contact.GetProperty("timeline").GetArrayLength());
        Assert.Equal("sms", contact.GetProperty("identities")[0].GetProperty("channel").GetString());
    }

    [Fact]
    public async Task IngestCommitsBeforeReturning()
    {
        var result = await Pipeline.IngestAsync(Sms("+15551110006", $"SM{Guid.NewGuid():N}", "durable"), default);
        // A fresh context (a new connection) sees the message the moment the call returned.
        var body = await WithDbAsync(db => db.Messages.Where(m => m.Id == result.MessageId).Select(m => m.Body).SingleAsync());
        Assert.Equal("durable", body);
    }

    [Fact]
    public async Task FirstMessagesOfANewContactArrivingTogetherShareOneContactAndConversation()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Pipeline.IngestAsync(Sms("+15551110007", $"SM{Guid.NewGuid():N}", $"burst {i}"), default)));

        Assert.Single(results.Select(r => r.ContactId).Distinct());
        Assert.Single(results.Select(r => r.ConversationId).Distinct());
        Assert.Equal(20, results.Select(r => r.MessageId).Distinct().Count());
        Assert.Equal(1, await WithDbAsync(db => db.ChannelIdentities.CountAsync(i => i.Address == "+15551110007")));
        Assert.Equal(20, await WithDbAsync(db => db.Messages.CountAsync(m => m.ConversationId == results[0].ConversationId)));
    }

    [Fact]
    public async Task ManyContactsAtOnceEachGetTheirOwnNumberedConversation()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => Pipeline.IngestAsync(Sms($"+1555222{i:0000}", $"SM{Guid.NewGuid():N}"), default)));

        Assert.Equal(50, results.Select(r => r.ConversationId).Distinct().Count());
        var ids = results.Select(r => r.ConversationId).ToList();
        var numbers = await WithDbAsync(db => db.Conversations.Where(c => ids.Contains(c.Id)).Select(c => c.Number).ToListAsync());
        Assert.Equal(50, numbers.Distinct().Count());
    }

    [Fact]
    public async Task BurstFromKnownContactsThreadsIntoEachContactsOpenConversation()
    {
        var addresses = Enumerable.Range(0, 10).Select(i => $"+1555333{i:0000}").ToList();
        var first = new Dictionary<string, IngestResult>();
        foreach (var address in addresses)
        {
            first[address] = await Pipeline.IngestAsync(Sms(address, $"SM{Guid.NewGuid():N}", "first"), default);
        }

        var burst = await Task.WhenAll(addresses.SelectMany(a => new[] { a, a })
            .Select(async a => (Address: a, Result: await Pipeline.IngestAsync(Sms(a, $"SM{Guid.NewGuid():N}", "again"), default))));

        foreach (var (address, result) in burst)
        {
            Assert.Equal(first[address].ContactId, result.ContactId);
            Assert.Equal(first[address].ConversationId, result.ConversationId);
        }
        Assert.Equal(10, await WithDbAsync(db => db.ChannelIdentities.CountAsync(i => addresses.Contains(i.Address))));
    }
}
