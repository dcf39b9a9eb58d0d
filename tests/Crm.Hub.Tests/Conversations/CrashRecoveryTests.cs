using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Conversations;

public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "crm-hub-crash", Guid.NewGuid().ToString("N"));

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Crm__Bootstrap__AdminEmail"] = HubServer.AdminEmail,
        ["Crm__Bootstrap__AdminPassword"] = HubServer.AdminPassword,
        ["Crm__Routing__DisconnectGraceSeconds"] = "0",
    };

    public CrashRecoveryTests() => Directory.CreateDirectory(_dataDirectory);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task AcknowledgedVisitorMessageSurvivesSigkillAndIsRoutedAgain()
    {
        await using var first = new HubProcess(_dataDirectory, Settings);
        await first.StartAsync();
        using var http = new HttpClient { BaseAddress = first.BaseAddress };
        var session = await (await http.PostAsJsonAsync("/api/v1/widget/session", new { name = "Crash Cyrus" })).Content.ReadFromJsonAsync<JsonElement>();
        var visitorToken = session.GetProperty("visitorToken").GetString()!;
        await using (var visitor = Visitor(first.BaseAddress, visitorToken))
        {
            await visitor.StartAsync();
            var acknowledged = await visitor.InvokeAsync<VisitorMessageDto>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = "did you get this?" });
            Assert.Equal("inbound", acknowledged.Direction);
        }
        await first.KillAsync();

        // Same data, same port, new process.
        await using var second = new HubProcess(_dataDirectory, Settings);
        await second.StartAsync();
        using var api = new HttpClient { BaseAddress = second.BaseAddress };
        var token = (await (await api.PostAsJsonAsync("/api/v1/auth/token", new { email = HubServer.AdminEmail, password = HubServer.AdminPassword }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var waiting = await api.GetFromJsonAsync<JsonElement>("/api/v1/conversations?status=waiting");
        var conversation = Assert.Single(waiting.EnumerateArray());
        var conversationId = conversation.GetProperty("id").GetGuid();
        var thread = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/messages");
        Assert.Equal("did you get this?", Assert.Single(thread.EnumerateArray()).GetProperty("body").GetString());

        // The admin comes online on the restarted hub and is offered the conversation.
        var offers = new Inbox<PushedEvent>();
        await using var agent = new HubConnectionBuilder()
            .WithUrl(new Uri(second.BaseAddress, "/hubs/agent"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = HttpTransportType.WebSockets;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions = HubServer.Json)
            .Build();
        agent.On<PushedEvent>("OfferReceived", offers.Add);
        await agent.StartAsync();
        var offer = await offers.WaitForAsync(o => o.ConversationId == conversationId, TimeSpan.FromSeconds(15));
        Assert.True(offer.Seq > 0);
    }

    private static HubConnection Visitor(Uri baseAddress, string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(baseAddress, $"/hubs/visitor?visitor_token={Uri.EscapeDataString(token)}"), o => o.Transports = HttpTransportType.WebSockets)
        .AddJsonProtocol(o => o.PayloadSerializerOptions = HubServer.Json)
        .Build();
}
